// nginx configuration for HTTP downloads, rendered from a description of
// the cluster (pure: no I/O, so every output is unit-tested).
//
// Two roles, both stock nginx:
//  * a storage host serves /GROUP/Mxx/HH/LL/NAME straight from the store
//    paths of the storage servers on that host (sendfile, Range, HEAD,
//    ETag/Last-Modified, MIME type by extension, ?filename= ->
//    Content-Disposition); nothing else under the store paths is reachable;
//  * a front routes each group to the storage hosts of that group and tries
//    the next replica when one answers 404 (not synced yet) or is down.
// Signed URLs are checked by both with secure_link (see UrlSigner), the
// secret coming from a separate include file so configs can be shared.
#ifndef NIMBUS_HTTP_NGINX_CONFIG_H_
#define NIMBUS_HTTP_NGINX_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/url_signer.h"

namespace nimbus::http {

// The store paths of one storage server; store_paths[i] serves M{i:02X}.
// Files packed into trunk files (use_trunk_file) are not on disk under their
// names: a request that may name one and finds no file is passed to the
// storage server's HTTP endpoint at `packed_http` ("host:port", its
// http_port); empty: none (such requests get 404).
struct GroupStore {
  std::string group;
  std::vector<std::string> store_paths;
  std::string packed_http = {};
};

// One storage host: the address its nginx listens on ("ip:port") and the
// storage servers on it (at most one per group).
struct StorageHost {
  std::string listen;
  std::vector<GroupStore> groups;
};

// The front: where it listens and, per group, the storage hosts' nginx
// addresses ("ip:port").
struct Front {
  std::string listen;
  std::map<std::string, std::vector<std::string>> groups;
};

// The cloud-disk API site: nginx listens on `listen` and passes /api/ to
// nimbus-web over FastCGI at `fastcgi` ("host:port" or "unix:/path").
struct WebSite {
  std::string listen;
  std::string fastcgi;
};

struct Access {
  // false serves anyone who knows a file ID (FastDFS's default).
  bool signed_urls = true;
  // An nginx file holding `set $nimbus_secret "...";` (SecretInclude()).
  std::string secret_include = "/etc/nimbus/nginx-secret.conf";
};

class NginxConfig {
 public:
  // Server blocks for storage hosts, with the http-level map they share:
  // include one such file per nginx.
  static Result<std::string> StorageHosts(const std::vector<StorageHost>& hosts,
                                          const Access& access);
  static Result<std::string> FrontServer(const Front& front,
                                         const Access& access);
  // A server block passing /api/ to nimbus-web; request bodies stream
  // through unbuffered (uploads are never spooled by nginx) and their size
  // is left to nimbus-web's own limits.
  static Result<std::string> WebServer(const WebSite& site);
  // The secret include for `signer`'s secret.
  static std::string SecretInclude(const UrlSigner& signer);
  // A complete nginx.conf running unprivileged from `prefix` (pid, logs and
  // temp files there) that includes `includes` inside http {}.
  static Result<std::string> Main(const std::string& prefix,
                                  const std::vector<std::string>& includes);
};

}  // namespace nimbus::http

#endif  // NIMBUS_HTTP_NGINX_CONFIG_H_
