// nimbus-tracker: reads a FastDFS-style tracker.conf and serves until
// SIGINT/SIGTERM. Exit status 0 on a clean stop, 1 on a start-up error.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "common/config_file.h"
#include "common/env.h"
#include "common/logging.h"
#include "tracker/tracker_options.h"
#include "tracker/tracker_server.h"

int main(int argc, char** argv) {
  CLI::App app{"nimbus-tracker: FastDFS-compatible tracker server"};
  std::string conf;
  bool log_stderr = false;
  app.add_option("config", conf, "tracker.conf")->required();
  app.add_flag("--log-stderr", log_stderr,
               "log to stderr instead of base_path/logs/trackerd.log");
  CLI11_PARSE(app, argc, argv);

  auto cf = nimbus::ConfigFile::Load(conf);
  if (!cf.ok()) {
    std::cerr << "nimbus-tracker: " << cf.status().ToString() << "\n";
    return 1;
  }
  auto opts = nimbus::tracker::TrackerOptions::FromConfig(*cf);
  if (!opts.ok()) {
    std::cerr << "nimbus-tracker: " << opts.status().ToString() << "\n";
    return 1;
  }
  nimbus::Env* env = nimbus::Env::Default();
  if (!log_stderr) {
    env->CreateDirIfMissing(opts->base_path);
    env->CreateDirIfMissing(opts->base_path + "/logs");
  }
  nimbus::Status s = nimbus::InitLogging(
      "tracker", opts->log_level,
      log_stderr ? "" : opts->base_path + "/logs/trackerd.log");
  if (!s.ok()) {
    std::cerr << "nimbus-tracker: " << s.ToString() << "\n";
    return 1;
  }
  for (const std::string& key : cf->UnknownKeys()) {
    spdlog::info("config {}: key `{}` is not used by nimbus-tracker; ignored",
                 conf, key);
  }
  // Block the stop signals before any thread starts so that only the
  // signal-waiting thread below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  nimbus::tracker::TrackerServer server(*opts, env);
  s = server.Start();
  if (!s.ok()) {
    spdlog::critical("start-up failed: {}", s.ToString());
    std::cerr << "nimbus-tracker: " << s.ToString() << "\n";
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {} received, stopping", sig);
    server.Stop();
  });
  server.Run();
  // Run() also returns if Stop() was called for another reason; wake the
  // waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("nimbus-tracker stopped");
  return 0;
}
