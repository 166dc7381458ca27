#include "net/host_allow_list.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace nimbus::net {
namespace {

constexpr uint32_t kMaxRangeNumber = 1000000000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<uint32_t> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > kMaxRangeNumber) {
    return std::nullopt;
  }
  return v;
}

std::optional<uint32_t> ParseAddress(const std::string& s) {
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

Status Bad(const std::string& entry, std::string_view why) {
  return Status::InvalidArgument(
      fmt::format("allow_hosts `{}`: {}", entry, why));
}

// The names one entry stands for: itself, or one per number of its
// bracketed list.
Result<std::vector<std::string>> Expand(const std::string& entry,
                                        size_t* budget) {
  const size_t open = entry.find('[');
  if (open == std::string::npos) {
    if (entry.find(']') != std::string::npos) return Bad(entry, "stray `]`");
    return std::vector<std::string>{entry};
  }
  const size_t close = entry.find(']', open);
  if (close == std::string::npos) return Bad(entry, "`[` without `]`");
  if (entry.find_first_of("[]", close + 1) != std::string::npos ||
      entry.find(']') < open) {
    return Bad(entry, "one bracketed list per entry");
  }
  const std::string prefix = entry.substr(0, open);
  const std::string suffix = entry.substr(close + 1);
  std::string_view list(entry.data() + open + 1, close - open - 1);
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view()
                                           : list.substr(comma + 1);
    size_t dash = item.find('-');
    std::string_view first = Trim(item.substr(0, dash));
    std::string_view last =
        dash == std::string_view::npos ? first : Trim(item.substr(dash + 1));
    auto a = ParseNumber(first);
    auto b = ParseNumber(last);
    if (!a || !b || *a > *b) {
      return Bad(entry, fmt::format("`{}` is not a number or a range", item));
    }
    if (*b - *a + 1 > *budget) {
      return Bad(entry, fmt::format("ranges name more than {} hosts",
                                    HostAllowList::kMaxExpanded));
    }
    *budget -= *b - *a + 1;
    // "01-08": the numbers keep the width of the first one.
    const size_t width = first.size() > 1 && first[0] == '0' ? first.size() : 0;
    for (uint32_t n = *a;; ++n) {
      out.push_back(fmt::format("{}{:0{}}{}", prefix, n, width, suffix));
      if (n == *b) break;
    }
  }
  if (out.empty()) return Bad(entry, "empty `[]`");
  return out;
}

bool ValidHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

}  // namespace

Result<std::vector<uint32_t>> HostAllowList::SystemResolver(
    const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) return Status::NotFound(gai_strerror(rc));
  std::vector<uint32_t> out;
  for (addrinfo* p = res; p != nullptr; p = p->ai_next) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(p->ai_addr);
    out.push_back(ntohl(sin->sin_addr.s_addr));
  }
  freeaddrinfo(res);
  if (out.empty()) return Status::NotFound("no IPv4 address");
  return out;
}

Result<HostAllowList> HostAllowList::FromConfig(ConfigFile& cf) {
  auto list = Parse(cf.GetAll("allow_hosts"));
  if (!list.ok()) {
    return Status::InvalidArgument(cf.source() + ": " +
                                   list.status().message());
  }
  return list;
}

Result<HostAllowList> HostAllowList::Parse(
    const std::vector<std::string>& entries, const Resolver& resolve) {
  HostAllowList list;
  bool star = false;
  size_t budget = kMaxExpanded;
  for (const std::string& raw : entries) {
    const std::string entry(Trim(raw));
    if (entry.empty()) continue;  // `allow_hosts =`: no entry
    NIMBUS_LET_OR_RETURN(std::vector<std::string> names,
                         Expand(entry, &budget));
    for (const std::string& name : names) {
      if (name == "*" || name == "0.0.0.0") {
        star = true;
        continue;
      }
      if (size_t slash = name.find('/'); slash != std::string::npos) {
        auto net = ParseAddress(name.substr(0, slash));
        auto bits = ParseNumber(std::string_view(name).substr(slash + 1));
        if (!net || !bits || *bits > 32) {
          return Bad(entry, "not an IPv4 CIDR block like 10.0.0.0/8");
        }
        const uint32_t mask =
            *bits == 0 ? 0 : ~uint32_t{0} << (32 - static_cast<int>(*bits));
        list.blocks_.push_back({*net & mask, mask});
        continue;
      }
      if (auto ip = ParseAddress(name)) {
        list.blocks_.push_back({*ip, ~uint32_t{0}});
        continue;
      }
      if (!ValidHostName(name)) {
        return Bad(entry, "not an address, a CIDR block or a host name");
      }
      auto ips = resolve(name);
      if (!ips.ok()) {
        return Bad(entry, fmt::format("cannot resolve `{}`: {}", name,
                                      ips.status().message()));
      }
      for (uint32_t ip : *ips) list.blocks_.push_back({ip, ~uint32_t{0}});
    }
  }
  // A "*" anywhere wins, as does a list with no entry at all.
  list.all_ = star || list.blocks_.empty();
  if (list.all_) list.blocks_.clear();
  return list;
}

bool HostAllowList::Allows(const asio::ip::address& peer) const {
  if (all_) return true;
  asio::ip::address_v4 v4;
  if (peer.is_v4()) {
    v4 = peer.to_v4();
  } else if (peer.to_v6().is_v4_mapped()) {
    v4 = asio::ip::make_address_v4(asio::ip::v4_mapped, peer.to_v6());
  } else {
    return false;
  }
  const uint32_t ip = v4.to_uint();
  return std::any_of(blocks_.begin(), blocks_.end(),
                     [ip](const Block& b) { return (ip & b.mask) == b.net; });
}

std::string HostAllowList::Describe() const {
  if (all_) return "every host";
  std::string out = fmt::format("{} rule(s):", blocks_.size());
  for (size_t i = 0; i < blocks_.size() && i < 8; ++i) {
    const Block& b = blocks_[i];
    int bits = __builtin_popcount(b.mask);
    out += fmt::format(" {}/{}", asio::ip::address_v4(b.net).to_string(), bits);
  }
  if (blocks_.size() > 8) out += " ...";
  return out;
}

}  // namespace nimbus::net
