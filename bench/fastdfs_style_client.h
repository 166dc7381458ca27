// FastdfsStyleClient: a FastDFS-protocol client that does on the wire what
// FastDFS's own C client library (libfdfsclient with use_connection_pool =
// true) does, so that benchmarks and tests see what its users see:
// - one kept connection per server (tracker and each storage), reused
//   between requests, with Nagle's algorithm left on (no TCP_NODELAY);
// - the tracker asked before every operation (QUERY_STORE before an upload,
//   QUERY_FETCH_ONE before a download, QUERY_UPDATE before a delete or an
//   append);
// - a request's header and fixed fields in one send(), its content in a
//   second send();
// - the reply's 10-byte header read by one recv(), its body by another.
// Nimbus's own client (include/nimbus/client.h) avoids most of these costs;
// this one exists to measure with them.
//
// Thread-safety: one thread at a time (each bench thread has its own, as
// each C-client thread has its own pooled connections).
#ifndef NIMBUS_BENCH_FASTDFS_STYLE_CLIENT_H_
#define NIMBUS_BENCH_FASTDFS_STYLE_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/host_port.h"
#include "common/result.h"
#include "proto/file_name.h"

namespace nimbus::bench {

class FastdfsStyleClient {
 public:
  FastdfsStyleClient(std::vector<HostPort> trackers,
                     std::chrono::milliseconds network_timeout);
  ~FastdfsStyleClient();
  FastdfsStyleClient(const FastdfsStyleClient&) = delete;
  FastdfsStyleClient& operator=(const FastdfsStyleClient&) = delete;

  // UPLOAD_FILE (or UPLOAD_APPENDER_FILE) of `data` into `group` ("" lets
  // the tracker choose); returns the file ID.
  Result<std::string> Upload(std::string_view data, std::string_view ext,
                             const std::string& group, bool appender = false);
  // The whole file into `*data`, read into a buffer of the reply's size as
  // storage_download_file_to_buff does. A file over kLargeFile is read as
  // storage_download_file_to_file reads it, through a 256 KiB buffer, and
  // dropped: `*data` is then empty and `*size` its length.
  Status Download(const std::string& id, std::string* data,
                  int64_t* size = nullptr);
  static constexpr int64_t kLargeFile = 16 << 20;
  Status Delete(const std::string& id);
  Status Append(const std::string& id, std::string_view data);
  // SET_METADATA with `packed` metadata (proto/metadata.h's form) sent as the
  // request's content; `op` 'O' overwrites, 'M' merges.
  Status SetMetadata(const std::string& id, std::string_view packed,
                     char op = 'O');

  // Connections opened so far (a pooled client opens one per server).
  int connects() const { return connects_; }

 private:
  class Conn;
  struct Reply {
    uint8_t status = 0;
    std::string body;
    int64_t length = 0;  // the body's, also when it was dropped
  };
  // The kept connection to host:port, opened when there is none.
  Result<Conn*> Get(const std::string& host, uint16_t port);
  // One request: header + `fixed` in one send(), `content` (if any) in a
  // second; the reply's header, then its body of at most `max_reply` bytes.
  // A transport error closes and forgets the connection. A body over
  // kLargeFile is read in 256 KiB pieces and dropped when `drop_large`.
  Result<Reply> Call(const std::string& host, uint16_t port, uint8_t cmd,
                     std::string_view fixed, std::string_view content,
                     int64_t max_reply, bool drop_large = false);
  // Asks the first tracker that answers.
  Result<Reply> AskTracker(uint8_t cmd, std::string_view body,
                           int64_t max_reply);
  // QUERY_UPDATE / QUERY_FETCH_ONE for `fid`: the storage to send it to.
  Result<HostPort> Locate(uint8_t cmd, const proto::FileId& fid);
  // QUERY_UPDATE for `id`, then `cmd` to the storage named, with the fixed
  // fields `fixed(group, name)` builds and `content`; `what` names the
  // command in an error.
  Status Update(const std::string& id, uint8_t cmd,
                const std::function<std::string(
                    const std::string& group, const std::string& name)>& fixed,
                std::string_view content, std::string_view what);

  std::vector<HostPort> trackers_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::unique_ptr<Conn>> conns_;
  std::string piece_;  // the 256 KiB buffer of large downloads
  int connects_ = 0;
};

}  // namespace nimbus::bench

#endif  // NIMBUS_BENCH_FASTDFS_STYLE_CLIENT_H_
