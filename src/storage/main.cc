// nimbus-storage: reads a FastDFS-style storage.conf and serves until
// SIGINT/SIGTERM. Exit status 0 on a clean stop, 1 on a start-up error.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/config_file.h"
#include "common/env.h"
#include "common/logging.h"
#include "storage/storage_options.h"
#include "storage/storage_server.h"

int main(int argc, char** argv) {
  CLI::App app{"nimbus-storage: FastDFS-compatible storage server"};
  std::string conf;
  bool log_stderr = false;
  app.add_option("config", conf, "storage.conf")->required();
  app.add_flag("--log-stderr", log_stderr,
               "log to stderr instead of base_path/logs/storaged.log");
  CLI11_PARSE(app, argc, argv);

  auto cf = nimbus::ConfigFile::Load(conf);
  if (!cf.ok()) {
    std::cerr << "nimbus-storage: " << cf.status().ToString() << "\n";
    return 1;
  }
  auto opts = nimbus::storage::StorageOptions::FromConfig(*cf);
  if (!opts.ok()) {
    std::cerr << "nimbus-storage: " << opts.status().ToString() << "\n";
    return 1;
  }
  nimbus::Env* env = nimbus::Env::Default();
  if (!log_stderr) {
    env->CreateDirIfMissing(opts->base_path);
    env->CreateDirIfMissing(opts->base_path + "/logs");
  }
  nimbus::Status s = nimbus::InitLogging(
      "storage", opts->log_level,
      log_stderr ? "" : opts->base_path + "/logs/storaged.log");
  if (!s.ok()) {
    std::cerr << "nimbus-storage: " << s.ToString() << "\n";
    return 1;
  }
  for (const std::string& key : cf->UnknownKeys()) {
    spdlog::info("config {}: key `{}` is not used by nimbus-storage; ignored",
                 conf, key);
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  nimbus::storage::StorageServer server(*opts, env);
  s = server.Start();
  if (!s.ok()) {
    spdlog::critical("start-up failed: {}", s.ToString());
    std::cerr << "nimbus-storage: " << s.ToString() << "\n";
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {} received, stopping", sig);
    server.Stop();
  });
  server.Run();
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("nimbus-storage stopped");
  return 0;
}
