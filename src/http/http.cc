#include "http/http.h"

#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include "server/socket.h"
#include "server/tls.h"

namespace weir::http {

namespace {

constexpr int kIdleSeconds = 30;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    default:
      return status >= 500 ? "Internal Server Error" : "Error";
  }
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Serialize(const Response& r, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
  out += "Content-Type: " + r.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += "Cache-Control: no-store\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
  return out + "\r\n" + r.body;
}

}  // namespace

std::string Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kSyntaxError:
    case StatusCode::kDataError:
    case StatusCode::kUndefinedColumn:
      return 400;
    case StatusCode::kAuthenticationFailed:
    case StatusCode::kInvalidAuthorization:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
    case StatusCode::kUndefinedDatabase:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kFeatureNotSupported:
      return 501;
    default:
      return 500;
  }
}

Response Response::Error(const Status& status) {
  nlohmann::json body = {
      {"error",
       {{"code", StatusCodeName(status.code())}, {"sqlstate", status.sqlstate()}, {"message", status.message()}}}};
  return Json(HttpStatusFor(status), body.dump());
}

Response Response::Json(int http_status, const std::string& json_text) {
  Response r;
  r.status = http_status;
  r.body = json_text + "\n";
  return r;
}

std::string BuildTarget(const std::vector<std::string>& segments,
                        const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& s : segments) out += "/" + PercentEncode(s);
  if (out.empty()) out = "/";
  char separator = '?';
  for (const auto& [key, value] : query) {
    if (value.empty()) continue;
    out += separator + PercentEncode(key) + "=" + PercentEncode(value);
    separator = '&';
  }
  return out;
}

bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return false;
    }
    out->push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
    i += 2;
  }
  return true;
}

std::string PercentEncode(const std::string& in) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Base64Encode(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

bool ParseBasicAuth(const std::string& header, std::string* user, std::string* password) {
  if (header.size() < 6 || Lower(header.substr(0, 6)) != "basic ") return false;
  std::string encoded = Trim(header.substr(6));
  if (encoded.empty() || encoded.size() % 4 != 0 || encoded.size() > 8192) return false;
  std::string decoded(encoded.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  if (n < 0) return false;
  size_t len = static_cast<size_t>(n);
  if (encoded.size() >= 1 && encoded.end()[-1] == '=') --len;
  if (encoded.size() >= 2 && encoded.end()[-2] == '=') --len;
  decoded.resize(len);
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  *user = decoded.substr(0, colon);
  *password = decoded.substr(colon + 1);
  return true;
}

Status ParseRequestHead(const std::string& head, Request* request) {
  size_t eol = head.find("\r\n");
  std::string line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return Status::InvalidArgument("malformed request line");
  request->method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return Status::InvalidArgument("unsupported HTTP version");
  if (request->method.empty() ||
      !std::all_of(request->method.begin(), request->method.end(), [](char c) { return std::isupper(c); })) {
    return Status::InvalidArgument("malformed method");
  }
  if (target.empty() || target[0] != '/') return Status::InvalidArgument("the request target must be a path");
  std::string raw_path = target, raw_query;
  if (auto q = target.find('?'); q != std::string::npos) {
    raw_path = target.substr(0, q);
    raw_query = target.substr(q + 1);
  }
  if (!PercentDecode(raw_path, &request->path)) return Status::InvalidArgument("bad percent-encoding in the path");
  request->segments.clear();
  size_t pos = 1;
  while (pos <= raw_path.size()) {
    size_t slash = raw_path.find('/', pos);
    std::string seg = raw_path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    std::string decoded;
    if (!PercentDecode(seg, &decoded)) return Status::InvalidArgument("bad percent-encoding in the path");
    if (!decoded.empty()) request->segments.push_back(decoded);
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  size_t qpos = 0;
  while (qpos < raw_query.size()) {
    size_t amp = raw_query.find('&', qpos);
    std::string pair = raw_query.substr(qpos, amp == std::string::npos ? std::string::npos : amp - qpos);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string k, v;
      std::string rk = pair.substr(0, eq), rv = eq == std::string::npos ? "" : pair.substr(eq + 1);
      std::replace(rk.begin(), rk.end(), '+', ' ');
      std::replace(rv.begin(), rv.end(), '+', ' ');
      if (!PercentDecode(rk, &k) || !PercentDecode(rv, &v)) return Status::InvalidArgument("bad query string");
      request->query[k] = v;
    }
    if (amp == std::string::npos) break;
    qpos = amp + 1;
  }
  size_t start = eol == std::string::npos ? head.size() : eol + 2;
  while (start < head.size()) {
    size_t end = head.find("\r\n", start);
    std::string h = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return Status::InvalidArgument("malformed header line");
    request->headers[Lower(h.substr(0, colon))] = Trim(h.substr(colon + 1));
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return Status::Ok();
}

Server::Server(std::string host, int port, const server::TlsContext* tls, Handler handler)
    : host_(std::move(host)), port_(port), tls_(tls), handler_(std::move(handler)) {}

Server::~Server() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_) {
    if (fd >= 0) ::close(fd);
  }
}

Status Server::Start() {
  if (::pipe(wake_) != 0) return Status::IoError("cannot create a pipe");
  WEIR_ASSIGN_OR_RETURN(listen_fd_, server::ListenTcp(host_, &port_, 128, "the admin API"));
  return Status::Ok();
}

void Server::RequestShutdown() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : clients_) ::shutdown(fd, SHUT_RD);
  }
  if (wake_[1] >= 0) {
    char c = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &c, 1);
  }
}

void Server::Run() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (stopping_ || (fds[1].revents & POLLIN)) break;
    if (!(fds[0].revents & POLLIN)) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (clients_.size() >= kMaxConnections) {
        ::close(fd);  // a thread per connection: refuse rather than exhaust them
        continue;
      }
      clients_.insert(fd);
    }
    std::thread([this, fd, peer = server::PeerAddress(addr)] {
      Serve(fd, peer);
      std::lock_guard<std::mutex> lock(mu_);
      clients_.erase(fd);
      ::close(fd);
      drained_.notify_all();
    }).detach();
  }
  // Connections answering a request finish it (their reads were shut down).
  std::unique_lock<std::mutex> lock(mu_);
  drained_.wait(lock, [this] { return clients_.empty(); });
}

void Server::Serve(int fd, std::string peer) {
  timeval timeout{kIdleSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::unique_ptr<server::Stream> stream;
  if (tls_ != nullptr) {
    auto accepted = tls_->Accept(fd);
    if (!accepted.ok()) return;
    stream = std::move(accepted).value();
  } else {
    stream = server::PlainStream(fd);
  }
  std::string buffer;
  char chunk[16384];
  while (!stopping_) {
    // The head.
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (buffer.size() > kMaxHeaderBytes) {
        (void)stream->Write(Serialize(Response::Json(431, R"({"error":{"message":"request head too large"}})"), false));
        return;
      }
      auto n = stream->Read(chunk, sizeof(chunk));
      if (!n.ok() || *n == 0) return;
      buffer.append(chunk, *n);
    }
    Request request;
    request.peer = peer;
    Status parsed = ParseRequestHead(buffer.substr(0, head_end), &request);
    if (!parsed.ok()) {
      (void)stream->Write(Serialize(Response::Error(parsed), false));
      return;
    }
    buffer.erase(0, head_end + 4);
    if (!request.Header("transfer-encoding").empty()) {
      (void)stream->Write(Serialize(
          Response::Error(Status::NotSupported("chunked request bodies are not supported; send Content-Length")),
          false));
      return;
    }
    size_t length = 0;
    if (std::string cl = request.Header("content-length"); !cl.empty()) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(cl.c_str(), &end, 10);
      if (*end != '\0' || cl[0] == '-') {
        (void)stream->Write(Serialize(Response::Error(Status::InvalidArgument("bad Content-Length")), false));
        return;
      }
      if (v > kMaxBodyBytes) {
        (void)stream->Write(
            Serialize(Response::Json(413, R"({"error":{"message":"the request body is larger than 4 MiB"}})"), false));
        return;
      }
      length = static_cast<size_t>(v);
    }
    while (buffer.size() < length) {
      auto n = stream->Read(chunk, sizeof(chunk));
      if (!n.ok() || *n == 0) return;
      buffer.append(chunk, *n);
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    Response response;
    try {
      response = handler_(request);
    } catch (const std::exception& e) {
      response = Response::Error(Status::Internal(std::string("the request failed: ") + e.what()));
    }
    bool keep_alive = Lower(request.Header("connection")) != "close" && !stopping_;
    if (!stream->Write(Serialize(response, keep_alive)).ok() || !keep_alive) return;
  }
}

// --- client ---

Result<Endpoint> ParseUrl(const std::string& url) {
  Endpoint e;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
    e.tls = false;
  } else {
    return Status::InvalidArgument("invalid server URL '" + url + "': use https://HOST:PORT");
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || rest.find('/') != std::string::npos) {
    return Status::InvalidArgument("invalid server URL '" + url + "': use https://HOST:PORT");
  }
  e.host = rest.substr(0, colon);
  if (e.host.size() >= 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  char* end = nullptr;
  long port = std::strtol(rest.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) return Status::InvalidArgument("invalid port in '" + url + "'");
  e.port = static_cast<int>(port);
  return e;
}

namespace {

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i) out += ':';
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace

Result<ClientResponse> Call(const Endpoint& endpoint, const std::string& method, const std::string& target,
                            const std::string& body, const std::string& user, const std::string& password) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
  if (::getaddrinfo(endpoint.host.c_str(), std::to_string(endpoint.port).c_str(), &hints, &found) != 0 || !found) {
    return Status::IoError("cannot resolve " + endpoint.host);
  }
  int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
  bool connected = fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0;
  ::freeaddrinfo(found);
  if (!connected) {
    if (fd >= 0) ::close(fd);
    return Status::IoError("cannot connect to the Weir server at " + where);
  }
  timeval timeout{300, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  auto cleanup = [&] {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    ::close(fd);
  };
  if (endpoint.tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, endpoint.host.c_str());
    if (SSL_connect(ssl) != 1) {
      cleanup();
      return Status::IoError("TLS handshake with " + where + " failed");
    }
    X509* cert = SSL_get1_peer_certificate(ssl);
    std::string got = cert ? Fingerprint(cert) : "";
    if (cert) X509_free(cert);
    if (!endpoint.fingerprint.empty() && got != endpoint.fingerprint) {
      cleanup();
      return Status::IoError("the server at " + where + " presented certificate " + got + ", not the expected " +
                             endpoint.fingerprint);
    }
  }
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: " + where + "\r\nConnection: close\r\nAccept: application/json\r\n";
  if (!user.empty()) request += "Authorization: Basic " + Base64Encode(user + ":" + password) + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  auto write_all = [&](const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      int n = ssl ? SSL_write(ssl, data.data() + done, static_cast<int>(data.size() - done))
                  : static_cast<int>(::write(fd, data.data() + done, data.size() - done));
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  };
  if (!write_all(request)) {
    cleanup();
    return Status::IoError("cannot send the request to " + where);
  }
  std::string response;
  char chunk[16384];
  while (true) {
    int n = ssl ? SSL_read(ssl, chunk, sizeof(chunk)) : static_cast<int>(::read(fd, chunk, sizeof(chunk)));
    if (n <= 0) break;
    response.append(chunk, static_cast<size_t>(n));
  }
  cleanup();
  size_t head_end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return Status::IoError("the server at " + where + " sent no HTTP response");
  }
  ClientResponse out;
  out.status = std::atoi(response.c_str() + 9);
  out.body = response.substr(head_end + 4);
  return out;
}

}  // namespace weir::http
