#include "bench_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "fastdfs_style_client.h"
#include "replication_probe.h"

namespace nimbus::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxSize = int64_t{1} << 30;
constexpr int kMaxConcurrency = 1024;

std::string CodeOf(const Status& s) {
  std::string t = s.ToString();
  return t.substr(0, t.find(':'));
}

}  // namespace

const std::vector<std::string>& BenchRunner::Workloads() {
  static const std::vector<std::string> kAll = {"upload", "download", "mixed",
                                                "delete", "append"};
  return kAll;
}

Status BenchOptions::Validate(const BenchOptions& o) {
  const auto& w = BenchRunner::Workloads();
  if (std::find(w.begin(), w.end(), o.workload) == w.end()) {
    return Status::InvalidArgument("unknown workload '" + o.workload +
                                   "' (upload, download, mixed, delete, "
                                   "append, rr)");
  }
  if (o.size < 1 || o.size > kMaxSize) {
    return Status::InvalidArgument("--size must be 1 byte to 1 GiB");
  }
  if (o.concurrency < 1 || o.concurrency > kMaxConcurrency) {
    return Status::InvalidArgument(
        fmt::format("--concurrency must be 1 to {}", kMaxConcurrency));
  }
  if (o.ops < 0) return Status::InvalidArgument("--ops must not be negative");
  if (o.ops == 0 && o.duration.count() <= 0) {
    return Status::InvalidArgument("give a positive --duration or --ops");
  }
  if (o.read_percent < 0 || o.read_percent > 100) {
    return Status::InvalidArgument("--read-percent must be 0 to 100");
  }
  if (o.client_style != "nimbus" && o.client_style != "fastdfs") {
    return Status::InvalidArgument(
        "--client-style must be nimbus or fastdfs, not '" + o.client_style +
        "'");
  }
  if (o.client.trackers.empty()) {
    return Status::InvalidArgument("no tracker: --tracker or -c client.conf");
  }
  return Status::OK();
}

Result<std::vector<std::string>> BenchRunner::Prepare(int64_t n) {
  std::vector<std::string> ids;
  std::mutex mu;
  std::atomic<int64_t> next{0};
  Status failed;
  std::vector<std::thread> threads;
  for (int t = 0; t < opts_.concurrency; ++t) {
    threads.emplace_back([&] {
      client::Client c(opts_.client);
      while (next.fetch_add(1) < n) {
        auto id =
            c.Upload(client::Source::FromString(payload_), "bin", opts_.group);
        std::lock_guard<std::mutex> lock(mu);
        if (id.ok()) {
          ids.push_back(*id);
        } else if (failed.ok()) {
          failed = id.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  if (!failed.ok()) {
    return Status::IOError("preparing files failed: " + failed.ToString());
  }
  return ids;
}

void BenchRunner::Cleanup(const std::vector<std::string>& ids) {
  if (opts_.keep || ids.empty()) return;
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < std::min(opts_.concurrency, 8); ++t) {
    threads.emplace_back([&] {
      client::Client c(opts_.client);
      for (size_t i; (i = next.fetch_add(1)) < ids.size();) {
        (void)c.Delete(ids[i]);
      }
    });
  }
  for (auto& t : threads) t.join();
}

Result<BenchResult> BenchRunner::Run() {
  Status s = BenchOptions::Validate(opts_);
  if (!s.ok()) return s;
  payload_.resize(static_cast<size_t>(opts_.size));
  std::mt19937_64 rng(42);
  for (size_t i = 0; i + 8 <= payload_.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(payload_.data() + i, &v, 8);
  }

  const std::string& w = opts_.workload;
  std::vector<std::string> prepared;
  if (w == "download" || w == "mixed" || w == "delete") {
    int64_t n = opts_.prepare_files;
    if (n <= 0) {
      if (w == "delete") {
        n = opts_.ops > 0 ? opts_.ops : 20000;
      } else {
        n = std::clamp<int64_t>(kMaxSize / opts_.size, opts_.concurrency, 256);
      }
    }
    auto p = Prepare(n);
    if (!p.ok()) return p.status();
    prepared = std::move(*p);
  }

  std::vector<LatencyRecorder> rec(static_cast<size_t>(opts_.concurrency));
  std::vector<std::vector<std::string>> written(rec.size());
  std::atomic<bool> stop{false};
  std::atomic<int64_t> issued{0};
  std::atomic<size_t> next_delete{0};
  std::atomic<int64_t> bytes{0};
  std::mutex err_mu;
  BenchResult r;
  r.options = opts_;
  auto error = [&](const Status& st) {
    std::lock_guard<std::mutex> lock(err_mu);
    ++r.errors;
    ++r.errors_by_status[CodeOf(st)];
    if (r.first_error.empty()) r.first_error = st.ToString();
  };
  // Set-up per thread (appender file) happens before the clock starts.
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < opts_.concurrency; ++t) {
    threads.emplace_back([&, t] {
      client::Client c(opts_.client);
      std::unique_ptr<FastdfsStyleClient> fdfs;
      std::string fdfs_data;
      if (opts_.client_style == "fastdfs") {
        fdfs = std::make_unique<FastdfsStyleClient>(
            opts_.client.trackers, opts_.client.network_timeout);
      }
      LatencyRecorder& lat = rec[static_cast<size_t>(t)];
      std::mt19937 trng(static_cast<uint32_t>(t + 1));
      std::string appender;
      if (w == "append") {
        auto id = c.UploadAppender(client::Source::FromString(""), "bin",
                                   opts_.group);
        if (id.ok()) {
          appender = *id;
          written[static_cast<size_t>(t)].push_back(*id);
        } else {
          error(id.status());
        }
      }
      ++ready;
      while (!go.load()) std::this_thread::yield();
      if (w == "append" && appender.empty()) return;
      int64_t got = 0;
      auto sink = [&got](std::string_view chunk) {
        got += static_cast<int64_t>(chunk.size());
        return Status::OK();
      };
      while (!stop.load(std::memory_order_relaxed)) {
        if (opts_.ops > 0 && issued.fetch_add(1) >= opts_.ops) break;
        bool read = w == "download" ||
                    (w == "mixed" &&
                     static_cast<int>(trng() % 100) < opts_.read_percent);
        auto t0 = Clock::now();
        Status st;
        if (w == "delete") {
          size_t i = next_delete.fetch_add(1);
          if (i >= prepared.size()) break;
          st = fdfs ? fdfs->Delete(prepared[i]) : c.Delete(prepared[i]);
        } else if (read) {
          got = 0;
          const std::string& id = prepared[trng() % prepared.size()];
          if (fdfs) {
            st = fdfs->Download(id, &fdfs_data, &got);
          } else {
            st = c.Download(id, 0, 0, sink);
          }
          if (st.ok() && got != opts_.size) {
            st = Status::Corruption(fmt::format(
                "downloaded {} bytes, expected {}", got, opts_.size));
          }
        } else if (w == "append") {
          st = fdfs ? fdfs->Append(appender, payload_)
                    : c.Append(appender, client::Source::FromString(payload_));
        } else {
          auto id = fdfs ? fdfs->Upload(payload_, "bin", opts_.group)
                         : c.Upload(client::Source::FromString(payload_), "bin",
                                    opts_.group);
          st = id.status();
          if (id.ok()) written[static_cast<size_t>(t)].push_back(*id);
        }
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      Clock::now() - t0)
                      .count();
        if (st.ok()) {
          lat.Add(ns);
          if (w != "delete") {
            bytes.fetch_add(opts_.size, std::memory_order_relaxed);
          }
        } else {
          error(st);
        }
      }
    });
  }
  while (ready.load() < opts_.concurrency) std::this_thread::yield();
  auto start = Clock::now();
  go = true;
  if (opts_.ops == 0) {
    auto deadline = start + opts_.duration;
    while (Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (w == "delete" && next_delete.load() >= prepared.size()) break;
    }
    stop = true;
  }
  for (auto& t : threads) t.join();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.latency = LatencyRecorder::Summarize(rec);
  r.ops = r.latency.count;
  r.ops_per_s = static_cast<double>(r.ops) / r.seconds;
  r.mb_per_s = static_cast<double>(bytes.load()) / r.seconds / 1e6;

  if ((w == "upload" || w == "mixed") &&
      opts_.replication_timeout.count() > 0) {
    client::Client c(opts_.client);
    auto lag = ReplicationProbe::WaitReplicated(
        c, ReplicationProbe::LastPerSource(written), opts_.replication_timeout,
        std::chrono::milliseconds(20));
    if (lag.ok()) {
      r.replicated_after_s = *lag;
    } else {
      r.replication_error = lag.status().ToString();
    }
  }

  std::vector<std::string> to_delete;
  for (auto& v : written) to_delete.insert(to_delete.end(), v.begin(), v.end());
  if (w != "delete") {
    to_delete.insert(to_delete.end(), prepared.begin(), prepared.end());
  } else {
    size_t used = std::min(next_delete.load(), prepared.size());
    to_delete.insert(to_delete.end(),
                     prepared.begin() + static_cast<long>(used),
                     prepared.end());
  }
  Cleanup(to_delete);
  return r;
}

}  // namespace nimbus::bench
