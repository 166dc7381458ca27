#include "web/fcgi_server.h"

#include <fcgiapp.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstring>

namespace nimbus::web {
namespace {

// Builds the request from the FastCGI parameters nginx sends
// (fastcgi_params). Only CONTENT_LENGTH bytes are ever read from the body.
HttpRequest FromFcgi(FCGX_Request& r, int64_t* left) {
  HttpRequest req;
  auto param = [&](const char* name) -> std::string {
    const char* v = FCGX_GetParam(name, r.envp);
    return v ? v : "";
  };
  req.method = param("REQUEST_METHOD");
  std::string uri = param("DOCUMENT_URI");
  if (uri.empty()) {
    uri = param("REQUEST_URI");
    uri = HttpRequest::PercentDecode(uri.substr(0, uri.find('?')), false);
  }
  req.path = uri;
  req.query = HttpRequest::ParseQuery(param("QUERY_STRING"));
  req.remote_addr = param("REMOTE_ADDR");
  std::string cl = param("CONTENT_LENGTH");
  if (!cl.empty()) {
    int64_t v = -1;
    auto [p, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), v);
    if (ec == std::errc() && p == cl.data() + cl.size() && v >= 0) {
      req.content_length = v;
    }
  }
  for (char** e = r.envp; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("HTTP_", 0) != 0) continue;
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(kv.substr(5, eq - 5));
    for (char& c : name) {
      c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
    }
    req.headers[name] = std::string(kv.substr(eq + 1));
  }
  if (!req.headers.count("content-type")) {
    req.headers["content-type"] = param("CONTENT_TYPE");
  }
  *left = req.content_length < 0 ? 0 : req.content_length;
  FCGX_Stream* in = r.in;
  req.read_body = [in, left](char* dst, size_t n) -> Result<size_t> {
    if (*left <= 0) return size_t{0};
    size_t want = std::min<int64_t>(static_cast<int64_t>(n), *left);
    int got = FCGX_GetStr(dst, static_cast<int>(want), in);
    if (got < 0) return Status::IOError("request body read failed");
    if (got == 0) {
      // The client went away mid-body.
      return Status::IOError("request body ended early");
    }
    *left -= got;
    return static_cast<size_t>(got);
  };
  return req;
}

void Write(FCGX_Request& r, const HttpResponse& resp) {
  std::string head = fmt::format("Status: {} {}\r\n", resp.status,
                                 HttpResponse::Reason(resp.status));
  for (const auto& [k, v] : resp.headers) {
    // Header values never carry CR/LF from user input (names are
    // validated), but a response must not be splittable whatever happens.
    if (v.find_first_of("\r\n") != std::string::npos) continue;
    head += k;
    head += ": ";
    head += v;
    head += "\r\n";
  }
  head += fmt::format("Content-Length: {}\r\n\r\n", resp.body.size());
  FCGX_PutStr(head.data(), static_cast<int>(head.size()), r.out);
  if (!resp.body.empty()) {
    FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), r.out);
  }
}

}  // namespace

FcgiServer::FcgiServer(WebService* service, std::string listen, int workers)
    : service_(service), listen_(std::move(listen)), workers_(workers) {}

FcgiServer::~FcgiServer() { Stop(); }

Status FcgiServer::Start() {
  if (FCGX_Init() != 0) return Status::IOError("FCGX_Init failed");
  fd_ = FCGX_OpenSocket(listen_.c_str(), 256);
  if (fd_ < 0) {
    return Status::IOError(
        fmt::format("cannot listen on {}: {}", listen_, std::strerror(errno)));
  }
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { Work(); });
  return Status::OK();
}

void FcgiServer::Stop() {
  if (stopping_.exchange(true)) return;
  FCGX_ShutdownPending();
  // Wakes the workers blocked in accept().
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void FcgiServer::Work() {
  FCGX_Request r;
  FCGX_InitRequest(&r, fd_, 0);
  while (!stopping_) {
    if (FCGX_Accept_r(&r) < 0) {
      if (stopping_) break;
      // EMFILE and the like: do not spin.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    int64_t left = 0;
    HttpRequest req = FromFcgi(r, &left);
    HttpResponse resp = service_->Handle(req);
    Write(r, resp);
    FCGX_Finish_r(&r);
  }
  FCGX_Free(&r, 1);
}

}  // namespace nimbus::web
