#include "web/api_json.h"

#include <fmt/format.h>
#include <sodium.h>

#include <charconv>
#include <cstring>

namespace nimbus::web {

using nlohmann::json;

// A JSON string field, length-capped; `*out` untouched when absent.
Status StringField(const json& j, const char* key, size_t max, bool required,
                   std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) {
      return Status::InvalidArgument(fmt::format("{}: required", key));
    }
    return Status::OK();
  }
  if (!it->is_string()) {
    return Status::InvalidArgument(fmt::format("{}: must be a string", key));
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (s.size() > max) {
    return Status::InvalidArgument(fmt::format("{}: too long", key));
  }
  *out = s;
  return Status::OK();
}

// A node ID: a positive integer, or for folders "root" / 0.
Result<int64_t> ParseId(std::string_view s, bool allow_root) {
  if (allow_root && (s == "root" || s == "0")) return 0;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
    return Status::InvalidArgument(fmt::format("bad ID '{}'", s.substr(0, 32)));
  }
  return v;
}

Result<int64_t> IdField(const json& j, const char* key, bool allow_root) {
  auto it = j.find(key);
  if (it == j.end()) {
    return Status::InvalidArgument(fmt::format("{}: required", key));
  }
  if (it->is_number_integer()) {
    int64_t v = it->get<int64_t>();
    if (v == 0 && allow_root) return 0;
    if (v > 0) return v;
  } else if (it->is_string()) {
    return ParseId(it->get_ref<const std::string&>(), allow_root);
  }
  return Status::InvalidArgument(fmt::format("{}: not a valid ID", key));
}

std::string EncodeCursor(const Node& n, SortKey k) {
  json c = json::array();
  c.push_back(n.is_dir ? 1 : 0);
  switch (k) {
    case SortKey::kName:
      c.push_back(n.name);
      break;
    case SortKey::kSize:
      c.push_back(n.size);
      break;
    case SortKey::kTime:
      c.push_back(n.updated_at);
      break;
    case SortKey::kDownloads:
      c.push_back(n.downloads);
      break;
  }
  c.push_back(n.id);
  std::string raw = c.dump();
  std::string out(sodium_base64_ENCODED_LEN(
                      raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<ListCursor> DecodeCursor(std::string_view s, SortKey k) {
  Status bad = Status::InvalidArgument("cursor: not one this listing issued");
  if (s.size() > 1024) return bad;
  std::string raw(s.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()),
                        raw.size(), s.data(), s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return bad;
  }
  raw.resize(len);
  json c = json::parse(raw, nullptr, false);
  if (!c.is_array() || c.size() != 3 || !c[0].is_number_integer() ||
      !c[2].is_number_integer()) {
    return bad;
  }
  ListCursor cur;
  cur.is_dir = c[0].get<int64_t>() != 0;
  cur.id = c[2].get<int64_t>();
  if (k == SortKey::kName) {
    if (!c[1].is_string()) return bad;
    cur.key = c[1].get<std::string>();
  } else {
    if (!c[1].is_number_integer()) return bad;
    cur.key = c[1].get<int64_t>();
  }
  return cur;
}

std::string LowerHex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

json UserJson(const User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"quota_bytes", u.quota_bytes},
          {"used_bytes", u.used_bytes},
          {"created_at", u.created_at}};
}

json NodeJson(const Node& n) {
  json j = {{"id", n.id},
            {"parent", n.parent_id},
            {"name", n.name},
            {"type", n.is_dir ? "folder" : "file"},
            {"size", n.size},
            {"downloads", n.downloads},
            {"created_at", n.created_at},
            {"updated_at", n.updated_at}};
  if (!n.is_dir) j["sha256"] = n.sha256;
  if (n.trashed_at) j["trashed_at"] = n.trashed_at;
  return j;
}

json ShareJson(const Share& s, bool details) {
  json j = {{"code", s.code},
            {"url", "/s/" + s.code},
            {"requires_password", !s.pass_hash.empty()},
            {"public", s.is_public},
            {"created_at", s.created_at},
            {"expires_at", s.expires_at ? json(s.expires_at) : json(nullptr)},
            {"max_downloads",
             s.max_downloads ? json(s.max_downloads) : json(nullptr)},
            {"downloads", s.downloads},
            {"owner", s.owner}};
  if (details) {
    j["name"] = s.node.name;
    j["size"] = s.node.size;
    j["type"] = s.node.is_dir ? "folder" : "file";
    j["sha256"] = s.node.sha256;
  }
  return j;
}

}  // namespace nimbus::web
