// The Nimbus client library: every FastDFS client operation against a
// cluster of nimbus (or FastDFS) trackers and storages.
//
// Errors are values: each call returns a Status or Result<T>; the Status code
// says what happened (NotFound, NoSpace, InvalidArgument, Unavailable when no
// server could be reached, ...). Calls are blocking with the configured
// connect/network timeouts. Connections are pooled per server.
//
// Retries: tracker queries fail over to the next tracker; reads (download,
// info, metadata) fail over to another storage of the group; an upload whose
// storage cannot be reached is placed again. A request is never re-sent once
// a storage may have executed it, except on a pooled connection that the
// server had already closed (detected before any response byte).
//
// Thread-safety: a Client may be shared by threads; each call takes its own
// connection from the pool.
#ifndef NIMBUS_CLIENT_H_
#define NIMBUS_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_file.h"
#include "common/host_port.h"
#include "common/result.h"
#include "proto/metadata.h"
#include "proto/tracker_messages.h"

namespace nimbus::client {

struct ClientOptions {
  std::vector<HostPort> trackers;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds network_timeout{30000};
  bool use_connection_pool = true;
  // Pooled connections idle longer than this are closed, not reused.
  std::chrono::seconds pool_max_idle{60};
  // Nimbus only. A download goes straight to the file's source storage (the
  // server its ID names, which always holds it) while the group's member
  // list, asked of the tracker at most this often, shows that server ACTIVE:
  // one round trip per download instead of two. When the source cannot
  // serve it (down, or the file is gone), the tracker is asked as without
  // it. When no tracker answers, the last list goes on being used. 0 asks
  // the tracker before every download, as FastDFS clients do.
  std::chrono::milliseconds member_cache_ttl{5000};
  // Nimbus only. The tracker's answer to "where do I upload" (for one
  // requested group, or for none) is reused for this long: one round trip
  // per upload instead of two. The tracker's placement policy then applies
  // per answer rather than per upload (a client's uploads within one TTL go
  // to the same storage and group; the storage picks the store path by the
  // tracker's store_path policy, as for any FastDFS client that leaves the
  // choice to it). Any failed upload drops the
  // answer, so the next one asks again. When no tracker answers, the last
  // answer goes on being used. 0 asks before every upload, as FastDFS
  // clients do.
  std::chrono::milliseconds upload_target_ttl{1000};
  // FastDFS's use_storage_id: file names may carry their source's storage
  // id, which Info() turns into the address with the group's listing (one
  // more tracker request). Downloads find the source either way.
  bool use_storage_id = false;

  // Reads client.conf keys: tracker_server (repeatable), connect_timeout,
  // network_timeout, use_connection_pool, connection_pool_max_idle_time,
  // member_cache_ttl, upload_target_ttl (seconds), use_storage_id.
  static Result<ClientOptions> FromConfig(ConfigFile& cf);
};

// Content to send: `size` bytes delivered by `read`, which fills exactly the
// requested count or fails.
struct Source {
  int64_t size = 0;
  std::function<Status(char* dst, size_t n)> read;

  static Source FromString(std::string_view data);
  // Opens `path`; the file is read as the request is sent.
  static Result<Source> FromFile(const std::string& path);
};

// Receives downloaded content in order, chunk by chunk.
using Sink = std::function<Status(std::string_view chunk)>;

struct FileInfo {
  std::string source_ip;
  int64_t create_time = 0;
  int64_t size = 0;
  uint32_t crc32 = 0;
  bool appender = false;
  bool slave = false;
  bool from_server = false;  // false: decoded from the file ID alone
};

class ConnectionPool;

class Client {
 public:
  explicit Client(ClientOptions opts);
  ~Client();

  // --- uploads: return the file ID "group/M00/HH/LL/NAME" ---------------
  // `group` empty lets the tracker choose. `ext` is the extension without a
  // dot (at most 6 characters of [A-Za-z0-9_]).
  Result<std::string> Upload(const Source& src, std::string_view ext,
                             const std::string& group = "");
  Result<std::string> UploadAppender(const Source& src, std::string_view ext,
                                     const std::string& group = "");
  Result<std::string> UploadSlave(const std::string& master_id,
                                  std::string_view prefix, std::string_view ext,
                                  const Source& src);

  // --- reads ----------------------------------------------------------
  // `length` 0 means to the end of the file.
  Status Download(const std::string& file_id, int64_t offset, int64_t length,
                  const Sink& sink);
  Result<std::string> DownloadToString(const std::string& file_id,
                                       int64_t offset = 0, int64_t length = 0);
  // Decodes the file ID; asks the storage too when `ask_server` is set or
  // the ID cannot describe the content (appender and slave files).
  Result<FileInfo> Info(const std::string& file_id, bool ask_server);
  Result<proto::Metadata> GetMetadata(const std::string& file_id);

  // --- updates (sent to the file's source server) ----------------------
  Status Delete(const std::string& file_id);
  // op 'O' overwrites all metadata, 'M' merges.
  Status SetMetadata(const std::string& file_id, const proto::Metadata& meta,
                     char op);
  Status Append(const std::string& file_id, const Source& src);
  Status Modify(const std::string& file_id, int64_t offset, const Source& src);
  Status Truncate(const std::string& file_id, int64_t size);
  // Turns an appender file into a normal file; returns its new ID.
  Result<std::string> RegenerateAppenderName(const std::string& file_id);

  // --- cluster ----------------------------------------------------------
  Result<std::vector<proto::GroupStat>> ListGroups();
  Result<std::vector<proto::StorageStat>> ListStorages(
      const std::string& group);
  Result<proto::StoreAll> QueryStore(const std::string& group, bool all);
  // Removes storage `storage_id` (its IP address) from `group` on every
  // configured tracker, as `fdfs_monitor delete` does: first each tracker
  // is asked for it, and any that lists it ONLINE or ACTIVE makes this Busy
  // (stop the storage first); NotFound when no tracker knows it. Then each
  // tracker deletes it; one that had already done so is not an error. A
  // tracker that cannot be reached, or refuses, fails the call after the
  // others were asked (run it again once it is back).
  Status DeleteStorage(const std::string& group, const std::string& storage_id);
  // Removes `group` on every configured tracker (`fdfs_monitor
  // delete_group`); each refuses (Busy) while the group has a member that
  // was not deleted. NotFound when no tracker knows the group; a tracker
  // that cannot be reached or refuses fails the call after the others.
  Status DeleteGroup(const std::string& group);
  Status ActiveTest(const HostPort& server);
  // Asks every configured tracker which tracker leads. `status` is not OK
  // for a tracker that cannot be reached (or knows no leader yet).
  struct TrackerView {
    HostPort tracker;
    Status status;
    HostPort leader;
  };
  std::vector<TrackerView> TrackerLeaders();

 private:
  struct Reply;
  class Call;
  Result<Reply> TrackerCall(uint8_t cmd, const std::string& body);
  // Sends an administrative change to every configured tracker: OK when
  // each did it (or had done it before: EALREADY); NotFound (naming `what`)
  // when none knows it; otherwise the last tracker's refusal or network
  // error, after every tracker was asked.
  Status OnEveryTracker(uint8_t cmd, const std::string& body,
                        const std::string& what);
  Result<proto::FetchAll> QueryFetch(uint8_t cmd, const std::string& group,
                                     const std::string& name);
  // Runs `attempt` on the servers the tracker says hold the file, then, if
  // none of them served it (unreachable, or not there yet), on the group's
  // other ACTIVE members: the tracker learns of sync progress only from
  // periodic reports, so a peer often holds a file before the tracker knows.
  // Stops at the first success or at an error that another replica would
  // repeat.
  // `tried`: servers already attempted, not asked again; `last`: how the
  // last of them failed, the result when no other server is found.
  Status ForEachReplica(
      const std::string& group, const std::string& name,
      const std::function<Status(const HostPort&)>& attempt,
      std::vector<std::string> tried = {},
      Status last = Status::NotFound("no storage of the group holds the file"));
  // The source storage of `file_name` if the cached member list of `group`
  // (refreshed after member_cache_ttl) shows it ACTIVE; nullopt otherwise.
  std::optional<HostPort> SourceRoute(const std::string& group,
                                      std::string_view file_name);
  // Where to upload for `group` (empty: the tracker chooses): the cached
  // answer while younger than upload_target_ttl, else the tracker's
  // (`*fresh` set: asked for this upload).
  Result<std::shared_ptr<const proto::StoreAll>> UploadTarget(
      const std::string& group, bool* fresh);
  // Drops `target` from the cache unless a newer answer replaced it.
  void ForgetUploadTarget(const std::string& group,
                          const std::shared_ptr<const proto::StoreAll>& target);
  Result<std::string> UploadImpl(uint8_t cmd, const Source& src,
                                 std::string_view ext,
                                 const std::string& group);
  // Sends an update to the file's source server.
  Status UpdateCall(const std::string& file_id, uint8_t cmd,
                    const std::string& fixed, const Source* content,
                    std::string* reply);

  const ClientOptions opts_;
  std::unique_ptr<ConnectionPool> pool_;
  // The tracker that answered last: asked first next time, so a dead
  // tracker costs one timeout, not one per request.
  std::atomic<size_t> tracker_first_{0};

  struct GroupView {
    std::chrono::steady_clock::time_point fetched;
    // Shared, so a download takes a reference rather than a copy.
    std::shared_ptr<const std::vector<proto::StorageStat>> members;
  };
  std::mutex views_mu_;
  std::map<std::string, GroupView> views_;  // by group; guarded by views_mu_

  struct CachedTarget {
    std::chrono::steady_clock::time_point fetched;
    std::shared_ptr<const proto::StoreAll> target;
  };
  std::mutex targets_mu_;
  // By requested group ("" when the tracker chooses); guarded by targets_mu_.
  std::map<std::string, CachedTarget> targets_;
};

}  // namespace nimbus::client

#endif  // NIMBUS_CLIENT_H_
