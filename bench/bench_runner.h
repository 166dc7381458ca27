// One nimbus-bench run: a named workload against any FastDFS-compatible
// cluster through the client library, `concurrency` threads each with its
// own client (and so its own connection pool).
#ifndef NIMBUS_BENCH_BENCH_RUNNER_H_
#define NIMBUS_BENCH_BENCH_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "latency_recorder.h"
#include "nimbus/client.h"

namespace nimbus::bench {

struct BenchOptions {
  // upload | download | mixed | delete | append
  std::string workload = "upload";
  int64_t size = 4096;
  int concurrency = 1;
  std::chrono::milliseconds duration{10000};
  int64_t ops = 0;  // > 0: stop after this many operations instead
  std::string group;
  int read_percent = 80;      // mixed: share of downloads
  int64_t prepare_files = 0;  // download/mixed/delete; 0 = a default
  bool keep = false;          // leave the files written by the run
  // Upload and mixed runs: wait at most this long for replication after the
  // run (ReplicationProbe); 0 = do not wait.
  std::chrono::milliseconds replication_timeout{120000};
  client::ClientOptions client;
  // "nimbus": the measured operations go through Nimbus's client library
  // (straight to the source, cached placement unless the TTLs are 0).
  // "fastdfs": through FastdfsStyleClient, the FastDFS C client's habits
  // (pooled Nagle-on connections, the tracker asked before every operation,
  // header and content in separate writes). Preparing and cleaning up use
  // Nimbus's client either way.
  std::string client_style = "nimbus";

  static Status Validate(const BenchOptions& o);
};

struct BenchResult {
  BenchOptions options;
  int64_t ops = 0;
  int64_t errors = 0;
  std::map<std::string, int64_t> errors_by_status;
  std::string first_error;
  double seconds = 0;
  double ops_per_s = 0;
  double mb_per_s = 0;  // payload bytes, 10^6 bytes per MB
  LatencySummary latency;
  // Upload and mixed runs: seconds after the run until every storage of the
  // group held every file it wrote (ReplicationProbe); -1 when not
  // measured, `replication_error` says why when it could not be.
  double replicated_after_s = -1;
  std::string replication_error;
};

class BenchRunner {
 public:
  explicit BenchRunner(BenchOptions opts) : opts_(std::move(opts)) {}
  Result<BenchResult> Run();

  static const std::vector<std::string>& Workloads();

 private:
  // Uploads `n` files of opts_.size in parallel; returns their IDs.
  Result<std::vector<std::string>> Prepare(int64_t n);
  void Cleanup(const std::vector<std::string>& ids);

  BenchOptions opts_;
  std::string payload_;
};

}  // namespace nimbus::bench

#endif  // NIMBUS_BENCH_BENCH_RUNNER_H_
