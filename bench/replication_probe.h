// ReplicationProbe: how long after a benchmark run every storage of the
// group holds every file the run wrote. Replication is asynchronous (as in
// FastDFS), so an upload's figure counts acknowledged uploads; this says
// how far replication trailed them.
//
// A storage pushes its changes to each peer in the order it stored them,
// so once a peer holds the last file a client thread wrote to a source, it
// holds every earlier file of that thread on that source. The probe
// therefore asks only for each thread's last file per source, on every
// other ACTIVE storage of the group (QUERY_FILE_INFO, straight to each
// storage), until all are there.
#ifndef NIMBUS_BENCH_REPLICATION_PROBE_H_
#define NIMBUS_BENCH_REPLICATION_PROBE_H_

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "nimbus/client.h"

namespace nimbus::bench {

class ReplicationProbe {
 public:
  // `written[t]`: the file IDs client thread t wrote, in the order it wrote
  // them. Returns each thread's last ID per source storage. IDs that do not
  // parse are skipped.
  static std::vector<std::string> LastPerSource(
      const std::vector<std::vector<std::string>>& written);

  // Polls every `interval` until each of `ids` is on every ACTIVE storage of
  // its group other than its source, and returns the seconds that took.
  // TimedOut after `timeout`; an error of the cluster
  // (the tracker unreachable, a storage answering neither yes nor not yet)
  // as it comes.
  static Result<double> WaitReplicated(client::Client& c,
                                       const std::vector<std::string>& ids,
                                       std::chrono::milliseconds timeout,
                                       std::chrono::milliseconds interval);
};

}  // namespace nimbus::bench

#endif  // NIMBUS_BENCH_REPLICATION_PROBE_H_
