// HostAllowList: which peers may connect to a server (FastDFS's
// `allow_hosts`). Checked when a connection is accepted, before a byte is
// read.
//
// Entries, one per allow_hosts line: "*" (or 0.0.0.0) allows every host; an
// IPv4 address; a CIDR block ("192.168.5.64/26"); or a host name, resolved
// to its IPv4 addresses once, when the list is parsed. One bracketed list
// of numbers and ranges expands an entry ("10.0.1.[1-15,20]",
// "host[01-08,20-25].example.com", zero padding kept). No entry at all
// allows every host, as FastDFS does. IPv6 peers are allowed only by "*"
// (an IPv4 address mapped into IPv6 counts as that IPv4 address).
//
// Thread-safety: immutable once parsed; Allows() may be called from any
// thread.
#ifndef NIMBUS_NET_HOST_ALLOW_LIST_H_
#define NIMBUS_NET_HOST_ALLOW_LIST_H_

#include <asio/ip/address.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/config_file.h"
#include "common/result.h"

namespace nimbus::net {

class HostAllowList {
 public:
  // A host name's IPv4 addresses (host byte order), or why it has none.
  using Resolver =
      std::function<Result<std::vector<uint32_t>>(const std::string& host)>;

  // Allows every host.
  HostAllowList() = default;

  // InvalidArgument names the entry that is malformed, that does not
  // resolve, or whose ranges would expand to more than kMaxExpanded names.
  static Result<HostAllowList> Parse(const std::vector<std::string>& entries,
                                     const Resolver& resolve = SystemResolver);
  // The `allow_hosts` lines of a server's config; an error names the file.
  static Result<HostAllowList> FromConfig(ConfigFile& cf);
  // getaddrinfo, IPv4 only.
  static Result<std::vector<uint32_t>> SystemResolver(const std::string& host);

  static constexpr size_t kMaxExpanded = 65536;

  bool Allows(const asio::ip::address& peer) const;
  bool allows_all() const { return all_; }
  // "every host" or "3 rules (127.0.0.1/32, 10.0.0.0/8, ...)" for the log.
  std::string Describe() const;

 private:
  struct Block {
    uint32_t net;   // host byte order, already masked
    uint32_t mask;  // 0xffffffff for one address
  };
  bool all_ = true;
  std::vector<Block> blocks_;
};

}  // namespace nimbus::net

#endif  // NIMBUS_NET_HOST_ALLOW_LIST_H_
