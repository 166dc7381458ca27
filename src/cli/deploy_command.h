// `nimbus deploy nginx ...` and `nimbus url`: generating the nginx configs
// of a cluster and signed download URLs. None of these needs a tracker
// except `deploy nginx front` without --member.
#ifndef NIMBUS_CLI_DEPLOY_COMMAND_H_
#define NIMBUS_CLI_DEPLOY_COMMAND_H_

#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "nimbus/client.h"

namespace nimbus::cli {

struct DeployNginxArgs {
  std::string output = "-";  // "-" = stdout
  bool unsigned_urls = false;
  std::string secret_include = "/etc/nimbus/nginx-secret.conf";
  // storage
  std::vector<std::string> storage_confs;
  int port = 8888;
  std::string listen_addr;  // default: each storage.conf's bind_addr
  // front
  std::string listen;
  std::vector<std::string> members;  // group=host:port
  int storage_http_port = 8888;
  // secret
  std::string secret_file;
  // main
  std::string prefix;
  // web
  std::string fastcgi = "127.0.0.1:9100";
  std::vector<std::string> includes;
};

// Each renders its config and writes it to args.output (atomically, mode
// 0644; 0600 for the secret include).
Status DeployNginxStorage(const DeployNginxArgs& args);
// `client` (may be null when args.members is given) is asked for the
// groups' members when args.members is empty.
Status DeployNginxFront(const DeployNginxArgs& args, client::Client* client);
// Creates args.secret_file with a new random secret when it does not exist.
Status DeployNginxSecret(const DeployNginxArgs& args);
Status DeployNginxMain(const DeployNginxArgs& args);
Status DeployNginxWeb(const DeployNginxArgs& args);

struct UrlArgs {
  std::string file_id;
  int64_t ttl_s = 3600;
  std::string filename;
  std::string base;         // overrides client.conf http_url_base
  std::string secret_file;  // overrides client.conf http_secret_file
  bool unsigned_urls = false;
};
// Prints the download URL of a file. `conf` is the client.conf path (may be
// empty); `now` is the current Unix time.
Result<std::string> MakeDownloadUrl(const UrlArgs& args,
                                    const std::string& conf, int64_t now);

// Writes `text` to `path` through a temp file and rename ("-" = stdout).
Status WriteOutput(const std::string& path, const std::string& text,
                   unsigned mode);

}  // namespace nimbus::cli

#endif  // NIMBUS_CLI_DEPLOY_COMMAND_H_
