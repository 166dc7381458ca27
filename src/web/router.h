// Table-driven dispatch of nimbus-web's routes: a method and a path
// pattern ("/api/v1/nodes/:id/children") map to a handler. ":name"
// segments match one non-empty segment and land in HttpRequest::params.
//
// Thread-safety: built once at start-up, then read-only.
#ifndef NIMBUS_WEB_ROUTER_H_
#define NIMBUS_WEB_ROUTER_H_

#include <functional>
#include <string>
#include <vector>

#include "web/http_message.h"

namespace nimbus::web {

template <typename Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
  };

  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {
    for (Route& r : routes_) split_.push_back(Split(r.pattern));
  }

  enum class Match { kFound, kNoPath, kNoMethod };

  // On kFound, `*handler` is set and `req->params` filled; `*index` (if
  // given) is the route's position in the table, -1 when none matched.
  Match Find(HttpRequest* req, const Handler** handler,
             int* index = nullptr) const {
    if (index) *index = -1;
    std::vector<std::string> segs = Split(req->path);
    bool path_matched = false;
    for (size_t i = 0; i < routes_.size(); ++i) {
      std::map<std::string, std::string> params;
      if (!MatchSegments(split_[i], segs, &params)) continue;
      path_matched = true;
      if (routes_[i].method != req->method) continue;
      req->params = std::move(params);
      *handler = &routes_[i].handler;
      if (index) *index = static_cast<int>(i);
      return Match::kFound;
    }
    return path_matched ? Match::kNoMethod : Match::kNoPath;
  }

  // The methods allowed on a path, for 405's Allow header.
  std::string Allowed(const std::string& path) const {
    std::vector<std::string> segs = Split(path);
    std::string out;
    for (size_t i = 0; i < routes_.size(); ++i) {
      std::map<std::string, std::string> params;
      if (!MatchSegments(split_[i], segs, &params)) continue;
      if (out.find(routes_[i].method) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out += routes_[i].method;
    }
    return out;
  }

  std::vector<std::string> Patterns() const {
    std::vector<std::string> out;
    for (const Route& r : routes_) out.push_back(r.pattern);
    return out;
  }

  static std::vector<std::string> Split(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      if (j > i) out.push_back(path.substr(i, j - i));
      i = j + 1;
    }
    return out;
  }

 private:
  static bool MatchSegments(const std::vector<std::string>& pattern,
                            const std::vector<std::string>& segs,
                            std::map<std::string, std::string>* params) {
    if (pattern.size() != segs.size()) return false;
    for (size_t k = 0; k < pattern.size(); ++k) {
      if (!pattern[k].empty() && pattern[k][0] == ':') {
        (*params)[pattern[k].substr(1)] = segs[k];
      } else if (pattern[k] != segs[k]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> split_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_ROUTER_H_
