// StorageServer: the download command, with its CRC32 check against the
// file's name and its page-cache fast path. Split from storage_server.cc to
// keep each file to one concern; same class.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/crc32.h"
#include "net/timed_io.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/header.h"
#include "proto/storage_messages.h"
#include "storage/scrubber.h"
#include "storage/storage_server.h"
#include "storage/storage_server_internal.h"

namespace nimbus::storage {

Status StorageServer::DownloadCorrupt(const Target& t, const Status& s) {
  if (t.packed() && !store_.StatFile(t).ok()) {
    // Deleted while being read: its blocks read as zeros now. Not damage.
    return Status::NotFound(t.logic.ToString() + " was deleted meanwhile");
  }
  download_crc_failures_.fetch_add(1);
  spdlog::error("download refused: {}; repairing from a peer", s.ToString());
  if (scrubber_) scrubber_->Suspect(t.logic.ToString());
  return s;
}

asio::awaitable<Status> StorageServer::HandleDownload(Conn& c,
                                                      std::string_view body,
                                                      uint8_t) {
  auto req = proto::DecodeDownloadRequest(body);
  if (!req.ok()) co_return req.status();
  auto t = ResolveTarget(req->group, req->name);
  if (!t.ok()) co_return t.status();
  DiskExecutor& disk = *disks_[t->logic.store_path_index];
  std::unique_ptr<RandomRWFile> file;
  uint64_t offset = static_cast<uint64_t>(req->offset);
  uint64_t length = 0;
  size_t first = 0;
  // A normal file's name carries its size and CRC32; a whole-file download
  // is checked against them as it is sent.
  const bool checkable = opts_.check_crc_on_download &&
                         !t->fields.IsAppender() &&
                         !t->logic.IsSlave(t->fields);
  bool verify = checkable;
  uint32_t crc = kCrc32Init;
  // Sets `length` (and whether the CRC32 is checked) from the file's size.
  auto plan = [&](uint64_t size) -> Status {
    if (offset > size) {
      return Status::InvalidArgument(fmt::format(
          "offset {} is past the end of the file ({} bytes)", offset, size));
    }
    length = size - offset;
    if (req->bytes > 0 && static_cast<uint64_t>(req->bytes) < length) {
      length = static_cast<uint64_t>(req->bytes);
    }
    if (checkable && size != static_cast<uint64_t>(t->fields.EncodedSize())) {
      return Status::Corruption(fmt::format("{} has {} bytes, its name says {}",
                                            t->full, size,
                                            t->fields.EncodedSize()));
    }
    verify = checkable && offset == 0 && length == size;
    GrowChunk(c, length);
    return Status::OK();
  };
  // Checks the first `first` bytes, now in c.chunk.
  auto check_first = [&]() -> Status {
    if (verify) {
      crc = Crc32(crc, c.chunk.data(), first);
      if (first == length && crc != t->fields.crc32) {
        return Status::Corruption(
            fmt::format("{} does not match its CRC32", t->full));
      }
    }
    return Status::OK();
  };
  // A small file whose bytes are in the page cache is served from this
  // thread: the two thread wake-ups of a disk trip cost more than the read.
  // Anything else (not cached, larger than a chunk) goes to the disk thread.
  bool served = false;
  Status s;
  {
    uint64_t size = 0;
    auto got =
        store_.ReadIfCached(*t, offset, c.chunk.size(), c.chunk.data(), &size);
    if (got.ok()) {
      s = plan(size);
      if (s.ok() && length <= *got) {
        first = static_cast<size_t>(length);
        s = check_first();
        served = true;
      }
      if (!s.ok()) served = true;
    } else if (got.status().code() == Status::Code::kNotFound) {
      s = got.status();
      served = true;
    }
  }
  if (!served) {
    crc = kCrc32Init;
    s = co_await disk.Run([&]() -> Status {
      auto f = store_.OpenFile(*t);
      if (!f.ok()) return f.status();
      auto size = (*f)->Size();
      if (!size.ok()) return size.status();
      Status planned = plan(*size);
      if (!planned.ok()) return planned;
      // Read the first chunk in the same trip to the disk thread: small files
      // need no second hop.
      size_t want =
          static_cast<size_t>(std::min<uint64_t>(length, c.chunk.size()));
      auto n = (*f)->Read(offset, want, c.chunk.data());
      if (!n.ok()) return n.status();
      if (*n != want) return Status::IOError("file shrank while being read");
      first = *n;
      Status checked = check_first();
      if (!checked.ok()) return checked;
      // A file read whole in this trip is closed here too, saving the trip
      // (two thread wake-ups) that would only close it.
      if (first < length) file = std::move(*f);
      return Status::OK();
    });
  }
  if (s.code() == Status::Code::kCorruption) s = DownloadCorrupt(*t, s);
  Count(proto::kTotalDownloadCount, proto::kSuccessDownloadCount, s);
  if (!s.ok()) co_return s;
  char hdr[proto::kHeaderSize];
  proto::EncodeHeader({static_cast<int64_t>(length), proto::kResp, 0}, hdr);
  c.reply_sent = true;
  c.reply_len = static_cast<int64_t>(length);
  std::error_code ec = co_await net::WriteAll2(
      c.sock, asio::buffer(hdr), asio::buffer(c.chunk.data(), first),
      c.net_timeout);
  uint64_t sent = first;
  while (!ec && sent < length) {
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(length - sent, c.chunk.size()));
    size_t got = 0;
    // Checks the `got` bytes now in c.chunk.
    auto check = [&]() -> Status {
      if (verify) {
        crc = Crc32(crc, c.chunk.data(), got);
        // The last chunk is held back: closing the connection instead tells
        // the client the download failed.
        if (sent + got == length && crc != t->fields.crc32) {
          return Status::Corruption(
              fmt::format("{} does not match its CRC32", t->full));
        }
      }
      return Status::OK();
    };
    // What the page cache holds is read here; only the rest costs a trip to
    // the disk thread (two thread wake-ups per chunk).
    auto cached = file->ReadIfCached(offset + sent, want, c.chunk.data());
    if (cached.ok() && *cached > 0) {
      got = *cached;
      s = check();
    } else {
      s = co_await disk.Run([&]() -> Status {
        auto n = file->Read(offset + sent, want, c.chunk.data());
        if (!n.ok()) return n.status();
        if (*n != want) return Status::IOError("file shrank while being read");
        got = *n;
        return check();
      });
    }
    if (s.code() == Status::Code::kCorruption) s = DownloadCorrupt(*t, s);
    if (!s.ok()) {
      // The header promised `length` bytes; the only honest signal left is
      // to close the connection.
      c.close = true;
      co_return s;
    }
    ec = co_await net::WriteAll(c.sock, asio::buffer(c.chunk.data(), got),
                                c.net_timeout);
    sent += got;
  }
  if (ec) {
    c.close = true;
    co_return Status::Unavailable("download interrupted: " + ec.message());
  }
  Count(proto::kTotalDownloadBytes, proto::kSuccessDownloadBytes, s,
        static_cast<int64_t>(length));
  if (file != nullptr) {
    co_await disk.Run([&]() -> Status {
      file.reset();
      return Status::OK();
    });
  }
  co_return Status::OK();
}

}  // namespace nimbus::storage
