#include "storage/spare_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace nimbus::storage {

SparePool::SparePool(Env* env, std::string dir, size_t capacity,
                     int64_t quarantine_ms)
    : env_(env),
      dir_(std::move(dir)),
      capacity_(capacity),
      quarantine_ms_(quarantine_ms) {}

std::string SparePool::EntryPath(uint64_t seq) const {
  return dir_ + "/" + std::to_string(seq);
}

Status SparePool::Init(int64_t now_ms) {
  Status s = env_->CreateDirIfMissing(dir_);
  if (!s.ok()) return s;
  auto children = env_->GetChildren(dir_);
  if (!children.ok()) return children.status();
  std::vector<uint64_t> seqs;
  for (const std::string& c : *children) {
    uint64_t seq = 0;
    auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), seq);
    bool numeric = ec == std::errc() && end == c.data() + c.size();
    // Anything else, or a spare that cannot be emptied, is not reused.
    if (!numeric || seqs.size() >= capacity_ ||
        !env_->TruncateFile(dir_ + "/" + c, 0).ok()) {
      env_->RemoveFile(dir_ + "/" + c);
      continue;
    }
    seqs.push_back(seq);
  }
  std::sort(seqs.begin(), seqs.end());
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  for (uint64_t seq : seqs) entries_.push_back({seq, now_ms + quarantine_ms_});
  next_seq_ = seqs.empty() ? 0 : seqs.back() + 1;
  if (!seqs.empty()) {
    spdlog::info("{}: {} spare inodes kept from earlier deletions", dir_,
                 seqs.size());
  }
  return Status::OK();
}

Status SparePool::Recycle(const std::string& path, int64_t now_ms) {
  auto st = env_->Stat(path);
  if (!st.ok()) return st.status();
  uint64_t seq = 0;
  bool keep = st->links == 1 && st->size <= kMaxBytes;
  if (keep) {
    std::lock_guard<std::mutex> lock(mu_);
    keep = entries_.size() + reserved_ < capacity_;
    if (keep) {
      ++reserved_;
      seq = next_seq_++;
    }
  }
  if (!keep) return env_->RemoveFile(path);
  std::string spare = EntryPath(seq);
  Status s = env_->RenameFile(path, spare);
  // Renamed or not, the name is gone once emptied; a spare that cannot be
  // emptied is removed rather than reused.
  bool kept = s.ok() && env_->TruncateFile(spare, 0).ok();
  if (s.ok() && !kept) env_->RemoveFile(spare);
  std::lock_guard<std::mutex> lock(mu_);
  --reserved_;
  if (kept) {
    int64_t ready = now_ms + quarantine_ms_;
    if (!entries_.empty()) ready = std::max(ready, entries_.back().ready_ms);
    entries_.push_back({seq, ready});
  }
  return s;
}

std::optional<std::string> SparePool::Take(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty() || entries_.front().ready_ms > now_ms) {
    return std::nullopt;
  }
  uint64_t seq = entries_.front().seq;
  entries_.pop_front();
  return EntryPath(seq);
}

size_t SparePool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace nimbus::storage
