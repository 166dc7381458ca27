// SyncWorker: pushes the changes that originated on this storage server to
// one peer of its group, in binlog order, and remembers how far it got.
//
// A coroutine on the storage's io_context. It reads the binlog from the mark
// saved in base_path/data/sync/<peer>.mark, skips records that were
// themselves replicated in (lower case), and sends each source record with
// the storage-to-storage sync commands. The mark is saved at most once per
// second (also when idle), so after a crash a few records may be
// sent again, which the peer applies harmlessly. Up to 32 records are sent
// ahead of their replies (the peer answers them in order); when one fails,
// the connection is dropped and every unanswered record is sent again, in
// order. A record whose file is gone
// here is skipped: a later record (delete, rename) explains why. Network
// failures retry the same record with back-off. Disk reads run on the store
// path's DiskExecutor (binlog records up to 64 per trip), except that the
// binlog tail and a new file whose bytes are all in the page cache are read
// on the worker's thread. Outside the storage's sync_start_time ..
// sync_end_time nothing new is sent (changes wait in the binlog), and
// sync_interval pauses after each change sent.
#ifndef NIMBUS_STORAGE_SYNC_WORKER_H_
#define NIMBUS_STORAGE_SYNC_WORKER_H_

#include <asio.hpp>
#include <atomic>
#include <memory>
#include <string>

#include "common/aligned_buffer.h"
#include "common/status.h"
#include "storage/binlog.h"

namespace nimbus::storage {

class StorageServer;

// A binlog position as one comparable number (files stay under 4 GiB).
inline uint64_t PackPosition(const BinlogPosition& p) {
  return (static_cast<uint64_t>(p.file) << 32) | (p.offset & 0xffffffffu);
}

class SyncWorker {
 public:
  SyncWorker(StorageServer* server, asio::io_context& io, std::string peer_ip,
             uint16_t port);
  void Start();
  void Stop() { stop_.store(true); }

  const std::string& peer_ip() const { return peer_ip_; }
  uint8_t peer_state() const { return peer_state_.load(); }
  // The peer's state as the tracker reports it, and whether this server is
  // the source of its initial full copy. A joining peer (WAIT_SYNC or
  // SYNCING) gets nothing from a non-source until it is ACTIVE; the source
  // sends it every record of its binlog, replicated-in ones too, then
  // carries on normally.
  void SetPeerState(uint8_t state, bool i_am_source);
  // The full copy to this peer reached the binlog end it started from.
  bool full_copy_done() const { return full_copy_done_.load(); }
  // Every change that originated here with a timestamp up to this value is
  // on the peer (0 until known).
  int64_t synced_until() const { return synced_until_.load(); }
  // Binlog bytes not yet pushed (for lag metrics).
  int64_t lag_bytes() const;
  // Every record before this binlog position (PackPosition) is on the peer
  // or needs nothing sent; updated after each record, unlike the mark.
  uint64_t pushed() const { return pushed_.load(); }
  // New records were appended: stop idling. Any thread.
  void Wake();

 private:
  asio::awaitable<void> Loop();
  // What sending a record left to do.
  struct Sent {
    bool replies = false;  // a reply is owed (false: nothing was sent)
    int64_t bytes = 0;     // content bytes sent
    bool alone = false;    // content went in several chunks
  };
  // Writes one record's request without waiting for the reply.
  asio::awaitable<Status> Send(asio::ip::tcp::socket& sock,
                               const BinlogRecord& r, Sent* out);
  asio::awaitable<Status> SendSimple(asio::ip::tcp::socket& sock, uint8_t cmd,
                                     const std::string& fixed);
  // Sends `length` bytes of `file` from `offset` after the header and
  // `fixed`; the first `first` bytes are already in chunk_. `file` is null
  // when those are all of them (it was closed on the disk thread).
  asio::awaitable<Status> SendContent(asio::ip::tcp::socket& sock, uint8_t cmd,
                                      const std::string& fixed,
                                      std::unique_ptr<RandomRWFile> file,
                                      uint64_t offset, uint64_t length,
                                      size_t first, uint32_t path);
  // Reads the next reply: the peer's verdict on the oldest record sent.
  asio::awaitable<Status> AwaitReply(asio::ip::tcp::socket& sock);
  // What lag_bytes() reports: records before `pos` are on the peer.
  void NoteAcked(const BinlogPosition& pos);
  // NoteAcked, and `pos` written to the mark file.
  Status SaveMark(const BinlogPosition& pos);

  StorageServer* const server_;
  asio::io_context& io_;
  const std::string peer_ip_;
  const uint16_t port_;
  const std::string mark_path_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> synced_until_{0};
  std::atomic<uint8_t> peer_state_{7};
  std::atomic<bool> i_am_source_{false};
  std::atomic<bool> full_copy_done_{false};
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer idle_;  // used on strand_ only
  std::atomic<bool> wake_pending_{false};
  std::atomic<uint64_t> pushed_{0};
  std::atomic<uint64_t> acked_file_{0};
  std::atomic<uint64_t> acked_offset_{0};
  // Aligned so that large files can be read into it with O_DIRECT.
  AlignedBuffer chunk_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_SYNC_WORKER_H_
