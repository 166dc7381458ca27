// ServerMain: the shared main() of nimbus-tracker and nimbus-storage.
//
//   <program> CONFIG [--log-stderr]
//
// Parses the FastDFS-style config into Options (Options::FromConfig),
// switches to run_by_group / run_by_user when started as root, sets up
// logging (base_path/logs/<log_name> unless --log-stderr), logs each config
// key the server does not use once, starts Server(options, Env::Default()),
// and runs it until SIGINT or SIGTERM. Returns 0 after a clean stop, 1 on a
// start-up error (printed to stderr and logged).
#ifndef NIMBUS_NET_SERVER_MAIN_H_
#define NIMBUS_NET_SERVER_MAIN_H_

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>

#include "common/config_file.h"
#include "common/env.h"
#include "common/logging.h"
#include "common/run_as.h"

namespace nimbus::net {

template <typename Options, typename Server>
int ServerMain(int argc, char** argv, const std::string& program,
               const std::string& description, const std::string& log_name) {
  CLI::App app{description};
  std::string conf;
  bool log_stderr = false;
  app.add_option("config", conf, "FastDFS-style configuration file")
      ->required();
  app.add_flag("--log-stderr", log_stderr,
               "log to stderr instead of base_path/logs/" + log_name);
  CLI11_PARSE(app, argc, argv);

  auto fail = [&](const Status& s) {
    std::cerr << program << ": " << s.ToString() << "\n";
    return 1;
  };
  auto cf = ConfigFile::Load(conf);
  if (!cf.ok()) return fail(cf.status());
  auto opts = Options::FromConfig(*cf);
  if (!opts.ok()) return fail(opts.status());
  auto run_as = RunAs::Resolve(opts->run_by_group, opts->run_by_user);
  if (!run_as.ok()) return fail(run_as.status());
  // Before the first file or socket: what the server creates belongs to
  // the account it runs as.
  Status dropped = run_as->Apply();
  if (!dropped.ok()) return fail(dropped);
  Env* env = Env::Default();
  if (!log_stderr) {
    env->CreateDirIfMissing(opts->base_path);
    env->CreateDirIfMissing(opts->base_path + "/logs");
  }
  Status s =
      InitLogging(program, opts->log_level,
                  log_stderr ? "" : opts->base_path + "/logs/" + log_name,
                  opts->log_rotation);
  if (!s.ok()) return fail(s);
  if (!run_as->changes_nothing()) {
    spdlog::info("running as {}", run_as->Describe());
  }
  for (const std::string& key : cf->UnknownKeys()) {
    spdlog::info("config {}: key `{}` is not used by {}; ignored", conf, key,
                 program);
  }
  // Block the stop signals before any thread starts, so that only the
  // waiting thread below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  // Its thread inherits the mask. A daily rotation is checked on every
  // flush, so an idle server's log still turns over on time.
  if (opts->log_rotation.daily) spdlog::flush_every(std::chrono::seconds(30));

  Server server(*opts, env);
  s = server.Start();
  if (!s.ok()) {
    spdlog::critical("start-up failed: {}", s.ToString());
    return fail(s);
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("signal {} received, stopping", sig);
    server.Stop();
  });
  server.Run();
  // Run() also returns when Stop() came from elsewhere: wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("{} stopped", program);
  return 0;
}

}  // namespace nimbus::net

#endif  // NIMBUS_NET_SERVER_MAIN_H_
