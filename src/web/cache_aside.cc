#include "web/cache_aside.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "web/session_token.h"

namespace nimbus::web {

bool CacheAside::Trusted() const {
  return clock_() - last_error_.load() > ttl_s_;
}

void CacheAside::Note(const Status& s) {
  if (s.ok()) return;
  ++errors_;
  last_error_ = clock_();
}

CacheAside::Stats CacheAside::stats() const {
  return Stats{hits_.load(), misses_.load(), errors_.load(), Trusted()};
}

std::string CacheAside::Generation(int64_t user_id) {
  if (!Trusted()) return "";
  std::string key = fmt::format("g:{}", user_id);
  Result<std::optional<std::string>> g = cache_->Get(key);
  Note(g.status());
  if (!g.ok()) return "";
  if (*g && !(*g)->empty() && (*g)->size() <= 32) return **g;
  // A new random generation, never a counter restarting from 0: entries
  // of an earlier generation with the same number would come back.
  std::string fresh = SessionToken::RandomBase64Url(9);
  Status s = cache_->Set(key, fresh, ttl_s_ * 2);
  Note(s);
  return s.ok() ? fresh : "";
}

void CacheAside::Changed(int64_t user_id) {
  Status s = cache_->Set(fmt::format("g:{}", user_id),
                         SessionToken::RandomBase64Url(9), ttl_s_ * 2);
  Note(s);
}

Result<int64_t> CacheAside::SessionUser(const std::string& token_hash) {
  int64_t now = clock_();
  std::string key = "s:" + token_hash;
  if (Trusted()) {
    Result<std::optional<std::string>> v = cache_->Get(key);
    Note(v.status());
    if (v.ok() && *v) {
      // "user_id:expires_at"; anything else is treated as a miss.
      int64_t user = 0, expires = 0;
      const std::string& t = **v;
      size_t colon = t.find(':');
      if (colon != std::string::npos &&
          std::from_chars(t.data(), t.data() + colon, user).ec == std::errc() &&
          std::from_chars(t.data() + colon + 1, t.data() + t.size(), expires)
                  .ec == std::errc() &&
          user > 0) {
        ++hits_;
        if (expires <= now) return Status::NotFound("session expired");
        return user;
      }
    }
    ++misses_;
  }
  int64_t expires = 0;
  Result<int64_t> user = repo_->sessions().Find(token_hash, now, &expires);
  if (user.ok() && Trusted()) {
    Note(cache_->Set(key, fmt::format("{}:{}", *user, expires),
                     std::min(ttl_s_, expires - now)));
  }
  return user;
}

std::optional<std::string> CacheAside::CachedBody(const std::string& key) {
  Result<std::optional<std::string>> v = cache_->Get(key);
  Note(v.status());
  if (v.ok() && *v && nlohmann::json::accept(**v)) {
    ++hits_;
    return **v;
  }
  ++misses_;
  return std::nullopt;
}

void CacheAside::StoreBody(const std::string& key, const HttpResponse& r) {
  if (r.status == 200) Note(cache_->Set(key, r.body, ttl_s_));
}

Status CacheAside::ReconcileSquare() {
  Result<std::vector<Share>> all = repo_->shares().Square(clock_(), 100000);
  if (!all.ok()) return all.status();
  std::vector<std::pair<std::string, double>> members;
  for (const Share& s : *all) {
    members.emplace_back(s.code, static_cast<double>(s.downloads));
  }
  Status s = cache_->ZReplace("square", members);
  Note(s);
  return s;
}

// The ranking from the cache's sorted set when it agrees with the
// database, else from the database (and the set is rebuilt). Candidates
// are loaded from the database either way, so a corrupted set can cost a
// query, never a wrong answer.
Result<std::vector<Share>> CacheAside::RankedShares(int limit) {
  auto by_rank = [](const Share& a, const Share& b) {
    if (a.downloads != b.downloads) return a.downloads > b.downloads;
    return a.created_at > b.created_at;
  };
  if (Trusted()) {
    auto top = cache_->ZTop("square", limit * 2);
    Note(top.status());
    if (top.ok() && *top) {
      int64_t now = clock_();
      std::vector<Share> out;
      bool agrees = true;
      for (const auto& [code, score] : **top) {
        Result<Share> sh = repo_->shares().Get(code);
        if (!sh.ok() || !sh->is_public ||
            (sh->expires_at && sh->expires_at <= now) ||
            (sh->max_downloads && sh->downloads >= sh->max_downloads) ||
            static_cast<double>(sh->downloads) != score) {
          agrees = false;
          break;
        }
        out.push_back(std::move(*sh));
      }
      if (agrees) {
        ++hits_;
        std::stable_sort(out.begin(), out.end(), by_rank);
        if (static_cast<int>(out.size()) > limit) out.resize(limit);
        return out;
      }
    }
    ++misses_;
    if (top.ok()) (void)ReconcileSquare();
  }
  return repo_->shares().Square(clock_(), limit);
}

}  // namespace nimbus::web
