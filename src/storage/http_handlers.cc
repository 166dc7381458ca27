// StorageServer: packed files over HTTP. nginx serves plain files straight
// from the store paths; a packed file lives inside a trunk file, which nginx
// cannot cut out, so the generated config passes requests for names that
// may be packed (and that are not on disk) to this endpoint. Same class as
// storage_server.cc, split to keep each file to one concern.
#include <fmt/format.h>

#include <array>
#include <utility>

#include "common/crc32.h"
#include "storage/storage_server.h"

namespace nimbus::storage {
namespace {

net::HttpResponse Plain(int status, std::string text) {
  return net::HttpResponse(status, "text/plain; charset=utf-8",
                           std::move(text) + "\n");
}

// nginx's mime.types for what cloud disks hold most; anything else is
// application/octet-stream, as nginx's default_type.
std::string MimeType(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24>
      kTypes{{{"jpg", "image/jpeg"},
              {"jpeg", "image/jpeg"},
              {"png", "image/png"},
              {"gif", "image/gif"},
              {"webp", "image/webp"},
              {"bmp", "image/x-ms-bmp"},
              {"ico", "image/x-icon"},
              {"svg", "image/svg+xml"},
              {"tif", "image/tiff"},
              {"tiff", "image/tiff"},
              {"mp4", "video/mp4"},
              {"webm", "video/webm"},
              {"mp3", "audio/mpeg"},
              {"m4a", "audio/x-m4a"},
              {"ogg", "audio/ogg"},
              {"txt", "text/plain"},
              {"html", "text/html"},
              {"css", "text/css"},
              {"js", "application/javascript"},
              {"json", "application/json"},
              {"xml", "text/xml"},
              {"pdf", "application/pdf"},
              {"zip", "application/zip"},
              {"gz", "application/gzip"}}};
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext(name.substr(dot + 1));
    for (char& c : ext) c = static_cast<char>(std::tolower(c));
    for (const auto& [e, type] : kTypes) {
      if (e == ext) return std::string(type);
    }
  }
  return "application/octet-stream";
}

}  // namespace

asio::awaitable<net::HttpResponse> StorageServer::ServeHttpFile(
    const net::HttpRequestLine& r) {
  std::string_view path = r.path;  // /GROUP/Mxx/HH/LL/NAME
  size_t slash = path.find('/', 1);
  if (path.size() < 2 || slash == std::string_view::npos) {
    co_return Plain(404, "not found");
  }
  auto t = ResolveTarget(path.substr(1, slash - 1), path.substr(slash + 1));
  // Plain files are nginx's to serve from the store path.
  if (!t.ok() || !t->packed()) co_return Plain(404, "not found");
  const auto size = static_cast<uint64_t>(t->fields.EncodedSize());
  const int64_t mtime = t->fields.create_time;
  // What nginx sends for a plain file of this size and time, so a client
  // sees one validator whichever way the file reached it.
  const std::string etag = fmt::format("\"{:x}-{:x}\"", mtime, size);
  const std::string if_none_match = net::HttpHeader(r.head, "If-None-Match");
  const auto if_modified_since =
      net::ParseHttpDate(net::HttpHeader(r.head, "If-Modified-Since"));
  const bool not_modified =
      !if_none_match.empty()
          ? (if_none_match == etag || if_none_match == "*")
          : (if_modified_since.has_value() && *if_modified_since >= mtime);

  std::string body(static_cast<size_t>(size), '\0');
  bool have = false;
  Status s;
  {
    // A file just written or read is in the page cache: no disk trip.
    uint64_t got_size = 0;
    auto got = store_.ReadIfCached(*t, 0, body.size(), body.data(), &got_size);
    if (got.ok() && *got == body.size()) {
      have = true;
    } else if (got.status().IsNotFound()) {
      s = got.status();
      have = true;
    }
  }
  if (!have) {
    s = co_await disks_[t->logic.store_path_index]->Run([&]() -> Status {
      auto f = store_.OpenFile(*t);
      if (!f.ok()) return f.status();
      if (not_modified) return Status::OK();  // exists: no need to read it
      auto n = (*f)->Read(0, body.size(), body.data());
      if (!n.ok()) return n.status();
      if (*n != body.size()) return Status::IOError("packed file cut short");
      return Status::OK();
    });
  }
  if (s.ok() && !not_modified &&
      Crc32(kCrc32Init, body.data(), body.size()) != t->fields.crc32) {
    s = DownloadCorrupt(
        *t, Status::Corruption(fmt::format("{} does not match its CRC32",
                                           t->logic.ToString())));
  }
  Count(proto::kTotalDownloadCount, proto::kSuccessDownloadCount, s);
  if (s.IsNotFound()) co_return Plain(404, "not found");
  if (!s.ok()) co_return Plain(500, s.ToString());
  net::HttpResponse resp;
  resp.content_type = MimeType(t->logic.name);
  resp.headers = {{"ETag", etag}, {"Last-Modified", net::HttpDate(mtime)}};
  if (not_modified) {
    resp.status = 304;
    co_return resp;
  }
  Count(proto::kTotalDownloadBytes, proto::kSuccessDownloadBytes, s,
        static_cast<int64_t>(size));
  resp.body = std::move(body);
  co_return resp;
}

}  // namespace nimbus::storage
