#include "proto/storage_ids.h"

#include <charconv>
#include <set>
#include <utility>

#include "common/coding.h"
#include "proto/file_name.h"

namespace nimbus::proto {
namespace {

constexpr size_t kMaxLineLen = 256;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The next whitespace-separated field of `*s`, removed from it.
std::string_view NextField(std::string_view* s) {
  *s = Trim(*s);
  size_t end = s->find_first_of(" \t");
  std::string_view f = s->substr(0, end);
  s->remove_prefix(end == std::string_view::npos ? s->size() : end);
  return f;
}

Result<StorageIdEntry> ParseLine(std::string_view line, bool numeric) {
  if (line.size() > kMaxLineLen) {
    return Status::InvalidArgument("line longer than 256 characters");
  }
  std::string_view rest = line;
  std::string_view id = NextField(&rest);
  std::string_view group = NextField(&rest);
  std::string_view where = NextField(&rest);
  if (where.empty() || !Trim(rest).empty()) {
    return Status::InvalidArgument(
        "expected \"id group address[:port]\", got \"" + std::string(line) +
        "\"");
  }
  StorageIdEntry e;
  if (id.size() > kMaxStorageIdLen) {
    return Status::InvalidArgument("id " + std::string(id) +
                                   " is longer than 15 characters");
  }
  uint32_t number = 0;
  if (numeric && !IsNumericId(id, &number)) {
    return Status::InvalidArgument(
        "id " + std::string(id) +
        " is not a number from 1 to 4294967295 (id_type_in_filename = id "
        "writes it into file names)");
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') {
      return Status::InvalidArgument("id " + std::string(id) +
                                     " has a character that is not printable");
    }
  }
  e.id = std::string(id);
  if (Status g = ValidateGroupName(group); !g.ok()) return g;
  e.group = std::string(group);
  // "a.b.c.d[,e.f.g.h...][:port]"; FastDFS brackets IPv6 lists, which
  // Nimbus does not serve.
  if (size_t colon = where.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = where.substr(colon + 1);
    unsigned v = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || p != port.data() + port.size() || v == 0 ||
        v > 65535) {
      return Status::InvalidArgument("bad port in \"" + std::string(where) +
                                     "\"");
    }
    e.port = static_cast<uint16_t>(v);
    where = where.substr(0, colon);
  }
  while (!where.empty()) {
    size_t comma = where.find(',');
    std::string_view ip = where.substr(0, comma);
    if (!ParseIpv4(ip).ok()) {
      return Status::InvalidArgument("\"" + std::string(ip) +
                                     "\" is not an IPv4 address");
    }
    if (e.ips.size() == kMaxStorageIdAddresses) {
      return Status::InvalidArgument("more than 4 addresses for id " + e.id);
    }
    e.ips.emplace_back(ip);
    where.remove_prefix(comma == std::string_view::npos ? where.size()
                                                        : comma + 1);
  }
  if (e.ips.empty()) {
    return Status::InvalidArgument("no address for id " + e.id);
  }
  return e;
}

}  // namespace

bool IsNumericId(std::string_view id, uint32_t* number) {
  if (id.empty() || id.size() > 10) return false;
  uint64_t v = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v == 0 || v > 0xffffffffu) return false;
  *number = static_cast<uint32_t>(v);
  return true;
}

Result<StorageIds> StorageIds::FromEntries(std::vector<StorageIdEntry> entries,
                                           bool numeric) {
  if (entries.size() > kMaxStorageIds) {
    return Status::InvalidArgument("more than 4096 storage ids");
  }
  std::set<std::string> ids;
  std::set<uint32_t> numbers;
  std::set<std::pair<std::string, uint16_t>> places;
  for (const StorageIdEntry& e : entries) {
    if (!ids.insert(e.id).second) {
      return Status::InvalidArgument("id " + e.id + " is listed twice");
    }
    // "0100001" and "100001" would be one number in a file name.
    uint32_t number = 0;
    if (numeric && IsNumericId(e.id, &number) &&
        !numbers.insert(number).second) {
      return Status::InvalidArgument("id " + e.id +
                                     " is the same number as another id");
    }
    for (const std::string& ip : e.ips) {
      if (!places.insert({ip, e.port}).second) {
        return Status::InvalidArgument(
            "address " + ip + " is given to two ids (id " + e.id + ")");
      }
    }
  }
  StorageIds t;
  t.entries_ = std::move(entries);
  for (size_t i = 0; i < t.entries_.size(); ++i) {
    t.by_id_[t.entries_[i].id] = i;
    uint32_t number = 0;
    if (IsNumericId(t.entries_[i].id, &number)) t.by_number_[number] = i;
  }
  return t;
}

Result<StorageIds> StorageIds::Parse(std::string_view text, bool numeric,
                                     std::string_view source) {
  std::vector<StorageIdEntry> entries;
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (entries.size() == kMaxStorageIds) {
      return Status::InvalidArgument(std::string(source) +
                                     ": more than 4096 storage ids");
    }
    auto e = ParseLine(line, numeric);
    if (!e.ok()) {
      return Status::InvalidArgument(std::string(source) + ":" +
                                     std::to_string(line_no) + ": " +
                                     e.status().message());
    }
    entries.push_back(std::move(*e));
  }
  auto t = FromEntries(std::move(entries), numeric);
  if (!t.ok()) {
    return Status::InvalidArgument(std::string(source) + ": " +
                                   t.status().message());
  }
  return t;
}

const StorageIdEntry* StorageIds::ById(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &entries_[it->second];
}

const StorageIdEntry* StorageIds::ByAddress(std::string_view group,
                                            std::string_view ip,
                                            uint16_t port) const {
  for (const StorageIdEntry& e : entries_) {
    if (e.group != group || (e.port != 0 && e.port != port)) continue;
    for (const std::string& a : e.ips) {
      if (a == ip) return &e;
    }
  }
  return nullptr;
}

const StorageIdEntry* StorageIds::ByNumber(uint32_t number) const {
  auto it = by_number_.find(number);
  return it == by_number_.end() ? nullptr : &entries_[it->second];
}

std::string StorageIds::IdOrAddress(std::string_view group,
                                    const std::string& ip,
                                    uint16_t port) const {
  const StorageIdEntry* e = ByAddress(group, ip, port);
  return e == nullptr ? ip : e->id;
}

std::string StorageIds::AddressOf(
    std::string_view group, const std::string& id,
    const std::function<bool(const std::string&)>& in_use) const {
  const StorageIdEntry* e = ById(id);
  if (e == nullptr || e->group != group) return id;
  for (const std::string& ip : e->ips) {
    if (in_use(ip)) return ip;
  }
  return e->ips.front();
}

Result<std::string> StorageIds::EncodeReply(int64_t start,
                                            size_t max_bytes) const {
  if (start < 0 || start >= static_cast<int64_t>(entries_.size())) {
    return Status::InvalidArgument("storage id index " + std::to_string(start) +
                                   " is out of range");
  }
  std::string out;
  PutBE32(&out, static_cast<uint32_t>(entries_.size()));
  PutBE32(&out, 0);
  uint32_t n = 0;
  for (size_t i = static_cast<size_t>(start); i < entries_.size(); ++i) {
    const StorageIdEntry& e = entries_[i];
    std::string line = e.id + " " + e.group + " ";
    for (size_t k = 0; k < e.ips.size(); ++k) {
      if (k > 0) line += ',';
      line += e.ips[k];
    }
    if (e.port != 0) line += ":" + std::to_string(e.port);
    line += '\n';
    // At least one entry per reply, so a caller always progresses.
    if (n > 0 && out.size() + line.size() > max_bytes) break;
    out += line;
    ++n;
  }
  EncodeBE32(out.data() + 4, n);
  return out;
}

Result<uint32_t> StorageIds::DecodeReply(std::string_view body, bool numeric,
                                         std::vector<StorageIdEntry>* into) {
  if (body.size() < 8) {
    return Status::InvalidArgument("storage id reply shorter than 8 bytes");
  }
  uint32_t total = DecodeBE32(body.data());
  uint32_t count = DecodeBE32(body.data() + 4);
  if (total > kMaxStorageIds || count > total || into->size() + count > total) {
    return Status::InvalidArgument("storage id reply counts out of range");
  }
  std::string_view text = body.substr(8);
  uint32_t seen = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (Trim(line).empty()) continue;
    if (seen == count) {
      return Status::InvalidArgument("storage id reply has extra lines");
    }
    NIMBUS_LET_OR_RETURN(StorageIdEntry e, ParseLine(Trim(line), numeric));
    into->push_back(std::move(e));
    ++seen;
  }
  if (seen != count) {
    return Status::InvalidArgument("storage id reply has fewer lines than " +
                                   std::to_string(count));
  }
  return total;
}

}  // namespace nimbus::proto
