// nimbus-bench: load generator speaking the FastDFS protocol, for Nimbus or
// FastDFS itself. Prints ops/s, MB/s, latency percentiles and errors by
// status, each run beside this machine's request/response ceiling (`rr`)
// measured at the same concurrency in the same invocation.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench_runner.h"
#include "common/config_file.h"
#include "common/reserved_space.h"
#include "echo_ceiling.h"

namespace nimbus::bench {
namespace {

// `option` names the option in the error.
Result<std::chrono::milliseconds> ParseDuration(std::string text,
                                                std::string_view option) {
  int64_t scale = 1000;
  if (text.ends_with("ms")) {
    scale = 1;
    text.resize(text.size() - 2);
  } else if (text.ends_with("s")) {
    text.pop_back();
  } else if (text.ends_with("m")) {
    scale = 60000;
    text.pop_back();
  }
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() ||
      v <= 0 || v > 86400) {
    return Status::InvalidArgument(
        fmt::format("{} must be like 10, 10s, 500ms or 2m", option));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(v * scale));
}

std::string Human(int64_t size) {
  if (size % (1 << 30) == 0) return fmt::format("{}g", size >> 30);
  if (size % (1 << 20) == 0) return fmt::format("{}m", size >> 20);
  if (size % (1 << 10) == 0) return fmt::format("{}k", size >> 10);
  return std::to_string(size);
}

nlohmann::json ToJson(const BenchResult& r, double rr) {
  nlohmann::json j = {{"workload", r.options.workload},
                      {"size", r.options.size},
                      {"concurrency", r.options.concurrency},
                      {"seconds", r.seconds},
                      {"ops", r.ops},
                      {"ops_per_s", r.ops_per_s},
                      {"mb_per_s", r.mb_per_s},
                      {"errors", r.errors},
                      {"errors_by_status", r.errors_by_status},
                      {"latency_us",
                       {{"p50", r.latency.p50_us},
                        {"p90", r.latency.p90_us},
                        {"p99", r.latency.p99_us},
                        {"p999", r.latency.p999_us},
                        {"max", r.latency.max_us},
                        {"mean", r.latency.mean_us}}}};
  if (!r.first_error.empty()) j["first_error"] = r.first_error;
  if (r.replicated_after_s >= 0) j["replicated_after_s"] = r.replicated_after_s;
  if (!r.replication_error.empty()) {
    j["replication_error"] = r.replication_error;
  }
  // Every request asked the tracker first (--via-tracker), or downloads went
  // to the source and uploads reused the last placement.
  j["via_tracker"] = r.options.client_style == "fastdfs" ||
                     (r.options.client.member_cache_ttl.count() == 0 &&
                      r.options.client.upload_target_ttl.count() == 0);
  j["client_style"] = r.options.client_style;
  if (rr > 0) {
    j["rr_ops_per_s"] = rr;
    j["ratio_to_rr"] = r.ops_per_s / rr;
  }
  return j;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "nimbus-bench: FastDFS-protocol load generator (Nimbus or FastDFS)"};
  BenchOptions o;
  std::string workload, size = "4k", duration = "10s", conf;
  std::vector<std::string> trackers;
  bool json = false, no_rr = false;
  app.add_option("workload", workload,
                 "upload | download | mixed | delete | append | rr")
      ->required();
  app.add_option("--size", size, "payload per operation, 4k ... 1g")
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "client threads")
      ->capture_default_str();
  app.add_option("--duration", duration, "how long: 10, 10s, 500ms, 2m")
      ->capture_default_str();
  app.add_option("--ops", o.ops, "stop after this many operations instead");
  app.add_option("-t,--tracker", trackers, "tracker host:port (repeatable)");
  app.add_option("-c,--config", conf, "client.conf");
  app.add_option("--group", o.group, "upload to this group");
  app.add_option("--read-percent", o.read_percent, "mixed: downloads in %")
      ->capture_default_str();
  app.add_option("--prepare", o.prepare_files,
                 "download/mixed/delete: files to upload first");
  app.add_flag("--keep", o.keep, "do not delete the files the run wrote");
  app.add_flag("--json", json, "one JSON object on stdout");
  app.add_flag("--no-rr", no_rr, "skip the echo ceiling measurement");
  std::string replication_wait = "120s";
  app.add_option("--replication-wait", replication_wait,
                 "upload/mixed: after the run, wait up to this long until "
                 "every storage holds every file written and report how "
                 "long that took (0: do not wait)");
  bool via_tracker = false;
  app.add_flag("--via-tracker", via_tracker,
               "ask the tracker before every download and upload, as "
               "FastDFS clients do (member_cache_ttl = upload_target_ttl = "
               "0)");
  app.add_option("--client-style", o.client_style,
                 "nimbus: Nimbus's client library; fastdfs: FastDFS's C "
                 "client's habits (pooled connections with Nagle on, the "
                 "tracker asked before every operation, header and content "
                 "in separate writes, reply header and body read apart)")
      ->check(CLI::IsMember({"nimbus", "fastdfs"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto fail = [](const Status& s) {
    std::cerr << "nimbus-bench: " << s.ToString() << "\n";
    return 1;
  };
  auto sz = ParseByteSize(size);
  if (!sz.ok()) return fail(sz.status());
  o.size = *sz;
  auto d = ParseDuration(duration, "--duration");
  if (!d.ok()) return fail(d.status());
  o.duration = *d;
  if (replication_wait == "0") {
    o.replication_timeout = std::chrono::milliseconds(0);
  } else {
    auto rw = ParseDuration(replication_wait, "--replication-wait");
    if (!rw.ok()) return fail(rw.status());
    o.replication_timeout = *rw;
  }
  o.workload = workload;
  if (!conf.empty()) {
    auto cf = ConfigFile::Load(conf);
    if (!cf.ok()) return fail(cf.status());
    auto co = client::ClientOptions::FromConfig(*cf);
    if (!co.ok()) return fail(co.status());
    o.client = *co;
  }
  for (const std::string& t : trackers) {
    auto hp = ParseHostPort(t);
    if (!hp.ok()) return fail(hp.status());
    o.client.trackers.push_back(*hp);
  }
  if (via_tracker) {
    o.client.member_cache_ttl = std::chrono::milliseconds(0);
    o.client.upload_target_ttl = std::chrono::milliseconds(0);
  }

  // The ceiling, measured just before the run, for at most 3 s.
  double rr = 0;
  if (!no_rr || workload == "rr") {
    auto ceiling = EchoCeiling::Measure(
        o.concurrency, std::min(o.duration, std::chrono::milliseconds(3000)));
    if (!ceiling.ok()) return fail(ceiling.status());
    rr = *ceiling;
  }
  if (workload == "rr") {
    if (json) {
      std::cout << nlohmann::json{{"workload", "rr"},
                                  {"concurrency", o.concurrency},
                                  {"ops_per_s", rr}}
                       .dump(2)
                << "\n";
    } else {
      std::cout << fmt::format("rr (echo round trip, 10 bytes) x{}: {:.0f}/s\n",
                               o.concurrency, rr);
    }
    return 0;
  }
  BenchRunner runner(o);
  auto r = runner.Run();
  if (!r.ok()) return fail(r.status());
  if (json) {
    std::cout << ToJson(*r, rr).dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{} {} x{}: {} ops in {:.1f} s, {:.0f} ops/s, {:.1f} MB/s, {} "
        "errors\n"
        "  latency us: p50 {:.0f}  p90 {:.0f}  p99 {:.0f}  p999 {:.0f}  max "
        "{:.0f}\n",
        r->options.workload, Human(r->options.size), r->options.concurrency,
        r->ops, r->seconds, r->ops_per_s, r->mb_per_s, r->errors,
        r->latency.p50_us, r->latency.p90_us, r->latency.p99_us,
        r->latency.p999_us, r->latency.max_us);
    for (const auto& [code, n] : r->errors_by_status) {
      std::cout << fmt::format("  errors {}: {}\n", code, n);
    }
    if (!r->first_error.empty()) {
      std::cout << "  first error: " << r->first_error << "\n";
    }
    if (r->replicated_after_s >= 0) {
      std::cout << fmt::format(
          "  every file written was on every storage of its group {:.1f} s "
          "after the run\n",
          r->replicated_after_s);
    }
    if (!r->replication_error.empty()) {
      std::cout << "  replication not seen complete: " << r->replication_error
                << "\n";
    }
    if (rr > 0) {
      std::cout << fmt::format(
          "  rr ceiling x{}: {:.0f}/s; this run is {:.3f} of it\n",
          o.concurrency, rr, r->ops_per_s / rr);
    }
  }
  return r->errors > 0 ? 3 : 0;
}

}  // namespace
}  // namespace nimbus::bench

int main(int argc, char** argv) { return nimbus::bench::Main(argc, argv); }
