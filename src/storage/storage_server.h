// StorageServer: the nimbus-storage process — serves the FastDFS storage
// commands for one group member and reports to every configured tracker.
//
// Threading model (see docs/architecture.md):
//  - one io_context run by `work_threads` network threads; each client
//    connection is a coroutine that reads a request and streams file content
//    between the socket and the disk in `buff_size` chunks;
//  - one DiskExecutor (disk_reader_threads + disk_writer_threads threads) per
//    store path: every open/read/write/rename/fsync runs there, never on a
//    network thread;
//  - one TrackerReporter coroutine per tracker_server on the io_context.
// Counters are atomics, readable from any thread. Start()/Stop() may be
// called from any thread; Run() blocks as one of the network threads.
#ifndef NIMBUS_STORAGE_STORAGE_SERVER_H_
#define NIMBUS_STORAGE_STORAGE_SERVER_H_

#include <array>
#include <asio.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "metrics/request_stats.h"
#include "net/http_endpoint.h"
#include "net/tcp_server.h"
#include "proto/file_name.h"
#include "proto/sync_messages.h"
#include "proto/tracker_messages.h"
#include "storage/access_log.h"
#include "storage/binlog.h"
#include "storage/disk_executor.h"
#include "storage/file_counter.h"
#include "storage/file_store.h"
#include "storage/group_committer.h"
#include "storage/scrubber.h"
#include "storage/storage_options.h"

namespace nimbus::storage {

class TrackerReporter;
class SyncWorker;

class StorageServer {
 public:
  StorageServer(StorageOptions opts, Env* env);
  ~StorageServer();

  // Prepares the store paths, binds, writes data/nimbus-storage.port and
  // .pid, and starts the tracker reporters.
  Status Start();
  void Run();
  void Stop();
  uint16_t port() const { return server_.port(); }
  // The /metrics port, 0 when metrics are off.
  uint16_t metrics_port() const { return http_ ? http_->port() : 0; }
  uint16_t http_port() const { return files_http_ ? files_http_->port() : 0; }
  // Prometheus text for /metrics (storage_metrics.cc).
  std::string RenderMetrics();
  // OK while serving; the reason otherwise (/healthz).
  Status Health();

  // --- used by TrackerReporter (any thread) ----------------------------
  proto::StorageCounters Counters() const;
  FileStore& store() { return store_; }
  DiskExecutor& disk(uint32_t path) { return *disks_[path]; }
  const StorageOptions& options() const { return opts_; }
  // The address a tracker sees us at; it becomes the source IP in new file
  // names unless bind_addr is set.
  void SetAdvertisedIp(const std::string& ip);
  // The tracker's use_storage_id settings: with id_type_in_filename = id,
  // `id` (this server's numeric storage id) is the source in new file
  // names instead of the address; empty goes back to the address.
  void SetNameSourceId(const std::string& id);
  // The address of the member a file name's source field names: a peer's
  // numeric storage id (learnt from the tracker's listing) or an address.
  std::string SourceAddress(uint32_t source_field) const;
  // A tracker's parameters (store path balancing, reserved space, trunk
  // files) are in force: uploads held by AwaitTrackerParameters go on.
  void MarkTrackerParametersKnown() {
    tracker_params_.store(TrackerParams::kKnown, std::memory_order_release);
  }
  int64_t start_time() const { return start_time_; }
  Env* env() const { return env_; }
  BinlogWriter& binlog() { return *binlog_; }
  const std::string& sync_dir() const { return sync_dir_; }
  // The members of this server's group as the tracker lists them: starts a
  // SyncWorker for every new peer (any IP but `self_ip`) and tells each
  // worker its peer's state (a joining peer is waited for, or fully copied
  // to when this server is its sync source). A peer listed as DELETED loses
  // its worker and its sync mark; it gets a worker again only when it is
  // listed in a state other than OFFLINE (it joined again), so a tracker
  // that missed the deletion does not bring it back.
  void UpdatePeers(const std::vector<proto::StorageStat>& members,
                   const std::string& self_ip);
  // The IPs of the group's other members (they listen on this server's
  // port); only those the tracker reports ACTIVE when `active_only`.
  std::vector<std::string> Peers(bool active_only) const;
  // Where an update (appender commands, set metadata) of a file whose name
  // carries `source_ip` is applied: the file's source when that is another
  // member of the group, ACTIVE now (followed through its address changes),
  // or nullopt to apply it here.
  // FastDFS clients ask the tracker for the source (QUERY_UPDATE), but some
  // send updates wherever a new upload would go; applied at two members at
  // once, two appends would each land at the offset its member saw and the
  // copies would differ.
  std::optional<std::string> UpdateSource(uint32_t source_ip) const;
  // Marks `full` as being updated; false if it already is. Every change to
  // an existing file holds the mark (see BusyGuard).
  bool TryMarkBusy(const std::string& full);
  void ClearBusy(const std::string& full);
  const Scrubber* scrubber() const { return scrubber_.get(); }
  const FileCounter* file_counter() const { return file_counter_.get(); }
  // Uploads acknowledged with fewer than sync_replicas copies (degrade).
  int64_t sync_replicas_degraded() const { return sync_degraded_.load(); }
  int64_t download_crc_failures() const { return download_crc_failures_; }

  // Address changes of peers (old, new) from the tracker's changelog: the
  // worker for an old address stops and its sync mark becomes the new
  // address's, so the moved peer is not sent everything again.
  void ApplyPeerRenames(
      const std::vector<std::pair<std::string, std::string>>& renames,
      const std::string& self_ip);
  // Peers whose full copy from this server finished and must be reported to
  // the trackers (STORAGE_SYNC_NOTIFY).
  std::vector<std::string> FinishedFullCopies() const;
  // This server's own state as last confirmed by a tracker (0 if never):
  // ACTIVE once its initial sync is done. Kept in data/sync/storage_state.
  uint8_t LoadOwnState() const;
  void SaveOwnState(uint8_t state);
  // How far each peer has caught up with the changes that originated here.
  std::vector<proto::SyncProgress> SyncProgress() const;
  void AddSyncOutBytes(int64_t n, bool ok);

 private:
  // Removes the sync mark kept for `peer_ip` (a peer with no worker).
  void ForgetMark(const std::string& peer_ip);

  struct Conn;
  using Handler = asio::awaitable<Status> (StorageServer::*)(Conn&,
                                                             std::string_view,
                                                             uint8_t);
  static const std::array<Handler, 256>& Handlers();

  asio::awaitable<void> Serve(asio::ip::tcp::socket sock);
  // Reads a `len`-byte file name that follows a streaming command's prefix.
  asio::awaitable<Status> ReadName(Conn& c, int64_t len, std::string* name);
  // One access log line for the request `c` just served (use_access_log).
  void LogAccess(const Conn& c, std::string_view body, const Status& st,
                 std::chrono::steady_clock::duration spent, int64_t pkg_len);
  // Connections start with a kInitialChunk buffer and get a buff_size one
  // for their first transfer larger than that: an idle or small-file
  // connection holds 64 KiB, a large transfer moves 1 MiB per system call
  // and per disk trip.
  static constexpr size_t kInitialChunk = 64 * 1024;
  void GrowChunk(Conn& c, uint64_t bytes) const;
  // Reads the next `n` (at most chunk-size) content bytes into c.chunk; a
  // lost connection is marked for closing.
  asio::awaitable<Status> ReceiveWhole(Conn& c, size_t n);
  // Reads and drops the c.remaining content bytes of the request.
  asio::awaitable<Status> DiscardContent(Conn& c);
  // Reads `bytes` of request content into `file`, updating `crc`. Content
  // of more than one chunk is double-buffered: the disk thread writes one
  // chunk while the next is received (c.back, as large as c.chunk, is
  // allocated by the first such transfer and kept).
  asio::awaitable<Status> ReceiveInto(Conn& c, DiskExecutor& disk,
                                      WritableFile* file, int64_t bytes,
                                      uint32_t* crc);
  // Resolves a client-sent (group, name) to a path on this server.
  using Target = FileRef;
  Result<Target> ResolveTarget(std::string_view group, std::string_view name);
  // Counts a download refused for damage (`s`) and queues the file for
  // repair, and returns `s`; or, for a packed file deleted while being read,
  // returns NotFound.
  Status DownloadCorrupt(const Target& t, const Status& s);
  uint32_t SourceIp(const Conn& c);
  // Sends the success response with body c.reply from the calling (disk)
  // thread without blocking, while the connection's coroutine waits for
  // that thread; whatever cannot go at once is left to the loop (reply_raw).
  void SendReplyNow(Conn& c);
  // Whether another request of `c` has already arrived.
  static bool MoreWaiting(Conn& c);
  // Whether the reply to the request just handled (command `cmd`, result
  // `st`) may be held back (Conn::held) rather than made durable and sent
  // now.
  bool MayHold(Conn& c, uint8_t cmd, const Status& st) const;
  // For a disk thread that applied a change to store path `path` under
  // group commit, inside DiskExecutor::RunThen: once a flush made it durable
  // the committer's thread calls `acknowledge` (which completes c.reply),
  // sends the reply and sets *answered; then, or with the flush's error,
  // calls `finish`.
  void AnswerWhenDurable(Conn& c, uint32_t path,
                         std::function<void()> acknowledge, bool* answered,
                         std::function<void(Status)> finish);
  void Count(proto::Counter total, proto::Counter success, const Status& s,
             int64_t n = 1);
  void AddCounter(proto::Counter c, int64_t n);

  // What a request changed on disk, made durable per opts_.durability
  // before its reply is sent.
  struct Change {
    uint32_t path = 0;               // store path index
    std::vector<std::string> files;  // content changed
    std::vector<std::string> dirs;   // entries created, renamed or removed
  };
  // Notes in `c` that the request changed `full` on store path `path`: its
  // content when `content`, its directory's entries when `entry`.
  static void Changed(Conn& c, uint32_t path, const std::string& full,
                      bool content, bool entry);
  // Changed() for a resolved file; any change of a packed file is one of
  // its trunk file's content.
  void ChangedFile(Conn& c, const FileRef& ref, bool content, bool entry) const;
  // Makes the held changes, and `also` when set, durable with one flush per
  // store path; sends the held replies, each carrying the flush's error if
  // it failed; returns the flush's status, or the send's error as
  // Unavailable (the connection is then marked for closing).
  asio::awaitable<Status> ReleaseHeld(Conn& c, const Change* also);
  // sync_replicas: how many group peers are ACTIVE now.
  int ActivePeerCount() const;
  // Refuses a new file up front when policy is fail and too few peers are
  // ACTIVE to ever hold it.
  Status CheckReplicasAvailable() const;
  // A new upload waits until a tracker's parameters are known: they decide
  // where and how it is placed (packed in a trunk file or not, which store
  // path), and a storage becomes ACTIVE on a tracker, so clients are sent
  // to it, a moment before it has them. After 5 s without any (no tracker
  // reachable, yet a client came straight here) the upload, and every one
  // after it until a tracker answers, goes on at once under the storage's
  // own settings (a plain file, valid everywhere) rather than fail.
  asio::awaitable<void> AwaitTrackerParameters();
  // Waits until sync_replicas ACTIVE peers have everything before binlog
  // position `pos` (PackPosition); TimedOut or Unavailable per policy.
  asio::awaitable<Status> WaitReplicated(uint64_t pos);
  // A new file that could not be replicated in time under policy fail:
  // removed again (and the removal logged, so peers drop their copy).
  asio::awaitable<void> RollBack(const FileRef& ref);
  // Logs the files a crash left placed but unlogged (OrphanScan), at
  // start-up, before anything else is logged; skipped after a clean stop.
  // An error only when the clean-stop marker cannot be removed.
  Status AdoptOrphans();
  // Records a clean stop (OrphanScan::MarkCleanStop), once no thread can
  // place a file any more.
  void MarkCleanStop();
  // Makes `change` and the binlog durable per opts_.durability.
  asio::awaitable<Status> Persist(const Change& change);

  // Guards against two updates of one file at the same time.
  class BusyGuard;

  // GET/HEAD /GROUP/Mxx/HH/LL/NAME of a packed file, for nginx
  // (http_handlers.cc): 200 with the checked bytes, ETag and Last-Modified
  // as nginx derives them for plain files, 304 for a matching conditional
  // request, 404 when absent or not packed.
  asio::awaitable<net::HttpResponse> ServeHttpFile(
      const net::HttpRequestLine& r);

  asio::awaitable<Status> HandleActiveTest(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleUpload(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleUploadSlave(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleDownload(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleDelete(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSetMeta(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleGetMeta(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleQueryInfo(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleAppend(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleModify(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleTruncate(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleRegenerate(Conn&, std::string_view, uint8_t);
  // Sends the request being handled to `source` (see UpdateSource): its
  // header with `status`, `head` (the bytes read so far) and the
  // c.remaining content bytes as they arrive; then relays the source's
  // response to the client byte for byte. Unavailable, with nothing relayed,
  // when the source cannot be reached or fails before answering (the
  // client's content is then drained as for any refused request).
  asio::awaitable<Status> ForwardUpdate(Conn& c, const std::string& source,
                                        uint8_t status, std::string_view head);
  // Forwarding connections are kept for the next update: an idle one to
  // `ip` opened on the loop that runs `c` (a socket is used only on its own
  // loop), if one is left that the peer has not closed; and back once its
  // exchange finished cleanly (at most kMaxIdleForwards per loop and peer).
  std::optional<asio::ip::tcp::socket> TakeForwardConnection(
      Conn& c, const std::string& ip);
  void KeepForwardConnection(Conn& c, const std::string& ip,
                             asio::ip::tcp::socket sock);
  static constexpr size_t kMaxIdleForwards = 4;
  // Replication from peers (sync_handlers.cc).
  bool IsPeer(const std::string& ip) const;
  Status AppendBinlog(char op, const std::string& name, int64_t a = 0,
                      int64_t b = 0, const std::string& old_name = "");
  asio::awaitable<Status> HandleSyncCreate(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSyncWrite(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSyncDelete(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSyncMetadata(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSyncTruncate(Conn&, std::string_view, uint8_t);
  asio::awaitable<Status> HandleSyncRename(Conn&, std::string_view, uint8_t);

  const StorageOptions opts_;
  Env* const env_;
  FileStore store_;
  std::vector<std::unique_ptr<DiskExecutor>> disks_;
  // Client and peer connections run on these loops (work_threads of them);
  // io_ runs the acceptor, timers, tracker reporters and sync workers.
  std::unique_ptr<net::IoLoopPool> loops_;
  asio::io_context io_;
  net::TcpServer server_;
  std::vector<std::unique_ptr<TrackerReporter>> reporters_;
  std::unique_ptr<BinlogWriter> binlog_;
  std::unique_ptr<AccessLog> access_log_;      // null unless use_access_log
  std::unique_ptr<GroupCommitter> committer_;  // durability = group-commit
  std::unique_ptr<Scrubber> scrubber_;
  std::unique_ptr<FileCounter> file_counter_;
  metrics::RequestStats requests_;
  std::unique_ptr<net::HttpEndpoint> http_;        // /metrics, /healthz
  std::unique_ptr<net::HttpEndpoint> files_http_;  // packed files (http_port)
  std::atomic<int64_t> download_crc_failures_{0};
  std::atomic<int64_t> sync_degraded_{0};
  std::atomic<int64_t> updates_forwarded_{0};
  std::string sync_dir_;
  const int64_t start_time_;

  mutable std::mutex mu_;
  std::string advertised_ip_;  // guarded by mu_
  std::string own_id_;         // numeric storage id in names; guarded by mu_
  // Members' numeric storage ids (use_storage_id) -> their addresses.
  std::map<uint32_t, std::string> id_addresses_;  // guarded by mu_
  std::set<std::string> busy_;                    // guarded by mu_
  // Peers' address changes (old -> new), for UpdateSource.
  std::map<std::string, std::string> renamed_;  // guarded by mu_
  // Idle forwarding connections by (loop, peer IP); emptied before the
  // loops are destroyed.
  std::map<std::pair<const void*, std::string>,
           std::vector<asio::ip::tcp::socket>>
      forward_idle_;  // guarded by mu_
  std::map<std::string, std::unique_ptr<SyncWorker>>
      workers_;  // guarded by mu_
  // Peers a tracker listed as DELETED, until they join again.
  std::set<std::string> deleted_peers_;  // guarded by mu_
  // Stopped workers of peers that moved; their coroutines may still be
  // finishing, so they live until the server does.
  std::vector<std::unique_ptr<SyncWorker>> retired_;  // guarded by mu_

  std::array<std::atomic<int64_t>, proto::kCounterCount> counters_{};
  std::atomic<int32_t> conn_alloc_{0};
  std::atomic<int32_t> conn_max_{0};
  std::atomic<bool> stopped_{false};
  enum class TrackerParams { kAwaited, kKnown, kWaitedOut };
  std::atomic<TrackerParams> tracker_params_{TrackerParams::kAwaited};
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_STORAGE_SERVER_H_
