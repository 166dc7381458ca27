#include "web/redis_cache.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <cstdlib>

namespace nimbus::web {
namespace {

// Marks a ranking set that exists but is empty (Redis drops empty sets).
constexpr char kSentinel[] = "\x01";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RedisCache::RedisCache(std::string address, std::string password,
                       int timeout_ms, int retry_after_ms)
    : address_(std::move(address)),
      password_(std::move(password)),
      timeout_ms_(timeout_ms),
      retry_after_ms_(retry_after_ms) {}

RedisCache::~RedisCache() {
  for (redisContext* c : idle_) redisFree(c);
}

Status RedisCache::ValidateAddress(const std::string& address) {
  if (address.rfind("unix:/", 0) == 0) return Status::OK();
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("redis: host:port or unix:/path");
  }
  auto [p, ec] = std::from_chars(address.data() + colon + 1,
                                 address.data() + address.size(), port);
  if (ec != std::errc() || p != address.data() + address.size() || port < 1 ||
      port > 65535) {
    return Status::InvalidArgument("redis: bad port in " + address);
  }
  return Status::OK();
}

Result<redisContext*> RedisCache::Take() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      redisContext* c = idle_.back();
      idle_.pop_back();
      return c;
    }
  }
  if (NowMs() < down_until_ms_.load()) {
    return Status::Unavailable("redis: down, retrying later");
  }
  timeval tv{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
  redisContext* c = nullptr;
  if (address_.rfind("unix:", 0) == 0) {
    c = redisConnectUnixWithTimeout(address_.c_str() + 5, tv);
  } else {
    size_t colon = address_.rfind(':');
    c = redisConnectWithTimeout(address_.substr(0, colon).c_str(),
                                std::atoi(address_.c_str() + colon + 1), tv);
  }
  if (!c || c->err) {
    std::string msg = c ? c->errstr : "out of memory";
    if (c) redisFree(c);
    down_until_ms_ = NowMs() + retry_after_ms_;
    if (up_.exchange(false)) {
      spdlog::warn("redis {}: {}; serving from the database", address_, msg);
    }
    return Status::Unavailable("redis: " + msg);
  }
  redisSetTimeout(c, tv);
  if (!password_.empty()) {
    auto* r = static_cast<redisReply*>(
        redisCommand(c, "AUTH %b", password_.data(), password_.size()));
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r) freeReplyObject(r);
    if (!ok) {
      redisFree(c);
      return Status::Permission("redis: AUTH failed");
    }
  }
  return c;
}

void RedisCache::DropIdle() {
  std::vector<redisContext*> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
  }
  for (redisContext* c : idle) redisFree(c);
}

void RedisCache::Give(redisContext* c, bool healthy) {
  if (!healthy) {
    redisFree(c);
    DropIdle();
    return;
  }
  std::lock_guard lock(mu_);
  if (idle_.size() < 16) {
    idle_.push_back(c);
  } else {
    redisFree(c);
  }
}

Result<RedisCache::Reply> RedisCache::Command(
    const std::vector<std::string>& args) {
  NIMBUS_LET_OR_RETURN(redisContext * c, Take());
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  Reply r(static_cast<redisReply*>(redisCommandArgv(
              c, static_cast<int>(args.size()), argv.data(), lens.data())),
          freeReplyObject);
  if (!r) {
    std::string msg = c->errstr;
    Give(c, false);
    down_until_ms_ = NowMs() + retry_after_ms_;
    if (up_.exchange(false)) {
      spdlog::warn("redis {}: {}; serving from the database", address_, msg);
    }
    return Status::Unavailable("redis: " + msg);
  }
  Give(c, true);
  if (!up_.exchange(true)) spdlog::info("redis {}: reachable again", address_);
  if (r->type == REDIS_REPLY_ERROR) {
    return Status::IOError(std::string("redis: ") + r->str);
  }
  return r;
}

Status RedisCache::Transaction(
    const std::vector<std::vector<std::string>>& commands) {
  NIMBUS_LET_OR_RETURN(redisContext * c, Take());
  auto append = [&](const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const std::string& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    return redisAppendCommandArgv(c, static_cast<int>(args.size()), argv.data(),
                                  lens.data());
  };
  bool ok = append({"MULTI"}) == REDIS_OK;
  for (const auto& cmd : commands) ok = ok && append(cmd) == REDIS_OK;
  ok = ok && append({"EXEC"}) == REDIS_OK;
  bool exec_ok = false;
  for (size_t i = 0; ok && i < commands.size() + 2; ++i) {
    void* reply = nullptr;
    if (redisGetReply(c, &reply) != REDIS_OK || !reply) {
      ok = false;
      break;
    }
    auto* r = static_cast<redisReply*>(reply);
    if (i == commands.size() + 1) exec_ok = r->type == REDIS_REPLY_ARRAY;
    freeReplyObject(r);
  }
  Give(c, ok);
  if (!ok) {
    down_until_ms_ = NowMs() + retry_after_ms_;
    up_ = false;
    return Status::Unavailable("redis: transaction failed");
  }
  return exec_ok ? Status::OK() : Status::IOError("redis: EXEC refused");
}

Result<std::optional<std::string>> RedisCache::Get(const std::string& key) {
  NIMBUS_LET_OR_RETURN(Reply r, Command({"GET", key}));
  if (r->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  if (r->type != REDIS_REPLY_STRING) {
    return Status::Corruption("redis: GET " + key + " is not a string");
  }
  return std::optional<std::string>(std::string(r->str, r->len));
}

Status RedisCache::Set(const std::string& key, const std::string& value,
                       int64_t ttl_s) {
  return Command({"SET", key, value, "EX", std::to_string(ttl_s)}).status();
}

Status RedisCache::Del(const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::OK();
  std::vector<std::string> args{"DEL"};
  args.insert(args.end(), keys.begin(), keys.end());
  return Command(args).status();
}

Status RedisCache::ZIncrBy(const std::string& key, const std::string& member,
                           double by) {
  return Command({"ZINCRBY", key, fmt::format("{}", by), member}).status();
}

Status RedisCache::ZRem(const std::string& key, const std::string& member) {
  return Command({"ZREM", key, member}).status();
}

Result<std::optional<std::vector<std::pair<std::string, double>>>>
RedisCache::ZTop(const std::string& key, int n) {
  NIMBUS_LET_OR_RETURN(Reply built, Command({"ZSCORE", key, kSentinel}));
  if (built->type == REDIS_REPLY_NIL) {
    return std::optional<std::vector<std::pair<std::string, double>>>();
  }
  NIMBUS_LET_OR_RETURN(Reply r, Command({"ZREVRANGE", key, "0",
                                         std::to_string(n), "WITHSCORES"}));
  if (r->type != REDIS_REPLY_ARRAY) {
    return Status::Corruption("redis: " + key + " is not a sorted set");
  }
  if (r->elements == 0) {
    return std::optional<std::vector<std::pair<std::string, double>>>();
  }
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i + 1 < r->elements; i += 2) {
    redisReply* m = r->element[i];
    redisReply* s = r->element[i + 1];
    if (m->type != REDIS_REPLY_STRING || s->type != REDIS_REPLY_STRING) {
      return Status::Corruption("redis: bad ZREVRANGE reply");
    }
    std::string member(m->str, m->len);
    if (member == kSentinel) continue;
    out.emplace_back(member, std::strtod(s->str, nullptr));
    if (static_cast<int>(out.size()) == n) break;
  }
  return std::optional<std::vector<std::pair<std::string, double>>>(out);
}

Status RedisCache::ZReplace(
    const std::string& key,
    const std::vector<std::pair<std::string, double>>& members) {
  std::vector<std::string> zadd{"ZADD", key, "-1e300", kSentinel};
  for (const auto& [m, s] : members) {
    zadd.push_back(fmt::format("{}", s));
    zadd.push_back(m);
  }
  return Transaction({{"DEL", key}, zadd});
}

}  // namespace nimbus::web
