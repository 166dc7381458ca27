#include "storage/file_counter.h"

#include <spdlog/spdlog.h>

#include <ctime>

namespace nimbus::storage {
namespace {

bool IsHexDir(const std::string& s) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
  };
  return s.size() == 2 && hex(s[0]) && hex(s[1]);
}

}  // namespace

FileCounter::FileCounter(Env* env, std::vector<std::string> store_paths,
                         std::chrono::seconds interval)
    : env_(env), paths_(std::move(store_paths)), interval_(interval) {}

FileCounter::~FileCounter() { Stop(); }

void FileCounter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void FileCounter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<int64_t> FileCounter::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

int64_t FileCounter::last_walk() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_walk_;
}

Result<int64_t> FileCounter::CountPath(Env* env,
                                       const std::string& store_path) {
  const std::string data = store_path + "/data";
  auto top = env->GetChildren(data);
  if (!top.ok()) return top.status();
  int64_t n = 0;
  for (const std::string& hh : *top) {
    if (!IsHexDir(hh)) continue;
    auto mid = env->GetChildren(data + "/" + hh);
    if (!mid.ok()) continue;  // a file named like a directory: not ours
    for (const std::string& ll : *mid) {
      if (!IsHexDir(ll)) continue;
      auto files = env->GetChildren(data + "/" + hh + "/" + ll);
      if (!files.ok()) continue;
      for (const std::string& f : *files) {
        if (f.empty() || f[0] == '.') continue;
        if (f.size() > 2 && f.compare(f.size() - 2, 2, "-m") == 0) continue;
        ++n;
      }
    }
  }
  return n;
}

void FileCounter::Loop() {
  for (;;) {
    std::vector<int64_t> counts;
    for (const std::string& p : paths_) {
      auto n = CountPath(env_, p);
      if (!n.ok()) {
        spdlog::warn("counting files in {}: {}", p, n.status().ToString());
      }
      counts.push_back(n.ok() ? *n : -1);
    }
    std::unique_lock<std::mutex> lock(mu_);
    counts_ = std::move(counts);
    last_walk_ = static_cast<int64_t>(std::time(nullptr));
    if (cv_.wait_for(lock, interval_, [this] { return stop_; })) return;
  }
}

}  // namespace nimbus::storage
