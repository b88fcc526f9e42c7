#include "server/server.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/rand.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "admin/data_dir.h"
#include "engine/engine.h"
#include "server/log.h"
#include "server/pg_connection.h"
#include "server/socket.h"
#include "server/tls.h"

namespace weir::server {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Raises the open-file limit to the hard limit (each client holds a socket).
void RaiseFileLimit() {
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

// --- RoleLimiter ----------------------------------------------------------------

bool RoleLimiter::Acquire(const std::string& role, const std::atomic<bool>& abandon) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return abandon.load() || running_[role] < per_role_; });
  if (abandon.load()) return false;
  running_[role]++;
  return true;
}

void RoleLimiter::Release(const std::string& role) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (--running_[role] <= 0) running_.erase(role);
  }
  cv_.notify_all();
}

void RoleLimiter::WakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

// --- Server ---------------------------------------------------------------------

Server::Server(ServerOptions options, admin::DataDir* dir, engine::Engine* engine)
    : options_(std::move(options)),
      dir_(dir),
      engine_(engine),
      limiter_(options_.role_concurrency),
      poll_cores_(engine::Engine::Cores() - 1) {}

bool Server::BeginPolling() {
  int polling = polling_.fetch_add(1) + 1;
  if (polling + busy_.load() > poll_cores_) {
    polling_.fetch_sub(1);
    return false;
  }
  return true;
}

Server::~Server() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : shutdown_pipe_) {
    if (fd >= 0) ::close(fd);
  }
  if (watchdog_.joinable()) {
    shutting_down_ = true;
    watchdog_.join();
  }
}

std::string Server::fingerprint() const { return tls_ ? tls_->fingerprint() : ""; }

Status Server::Start() {
  RaiseFileLimit();
  if (!options_.insecure_no_tls) {
    std::string cert = options_.tls_cert, key = options_.tls_key;
    if (cert.empty() != key.empty()) return Status::InvalidArgument("--tls-cert and --tls-key go together");
    if (cert.empty()) {
      cert = dir_->path() + "/tls/server.crt";
      key = dir_->path() + "/tls/server.key";
      std::error_code ec;
      if (!std::filesystem::exists(cert, ec) || !std::filesystem::exists(key, ec)) {
        std::filesystem::create_directories(dir_->path() + "/tls", ec);
        WEIR_RETURN_IF_ERROR(TlsContext::GenerateSelfSigned(cert, key));
        Log("info", "tls_certificate_generated", {{"cert", cert}});
      }
    }
    WEIR_ASSIGN_OR_RETURN(tls_, TlsContext::Load(cert, key));
  }
  if (::pipe2(shutdown_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }

  port_ = options_.pg_port;
  WEIR_ASSIGN_OR_RETURN(listen_fd_, ListenTcp(options_.pg_host, &port_, 1024, "the query server"));
  watchdog_ = std::thread([this] { Watchdog(); });
  return Status::Ok();
}

void Server::RequestShutdown() {
  shutting_down_.store(true);
  if (shutdown_pipe_[1] >= 0) {
    char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(shutdown_pipe_[1], &byte, 1);
  }
}

void Server::Cancel(int32_t pid, int32_t secret) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(pid);
  // A wrong secret is ignored silently, as PostgreSQL does.
  if (it == connections_.end() || it->second->secret() != secret) return;
  it->second->Interrupt(PgConnection::StopReason::kUser);
}

void Server::Register(PgConnection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_[connection->pid()] = connection;
}

void Server::Unregister(PgConnection* connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.erase(connection->pid());
  }
  drained_.notify_all();
}

void Server::Watchdog() {
  // Statement timeouts, checked a few times a second.
  while (!shutting_down_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int64_t now = NowMs();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [pid, connection] : connections_) {
      int64_t deadline = connection->deadline_ms();
      if (deadline != 0 && now >= deadline) connection->Interrupt(PgConnection::StopReason::kTimeout);
    }
  }
}

void Server::Run() {
  int64_t last_busy = NowMs();
  while (!shutting_down_.load()) {
    struct pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {shutdown_pipe_[0], POLLIN, 0}};
    int ready = ::poll(fds, 2, 1000);
    if (active_.load() > 0) last_busy = NowMs();
    if (options_.idle_shutdown_ms > 0 && active_.load() == 0 && NowMs() - last_busy >= options_.idle_shutdown_ms) {
      Log("info", "idle_shutdown", {{"idle_ms", options_.idle_shutdown_ms}});
      break;
    }
    if (ready <= 0 || !(fds[0].revents & POLLIN)) continue;
    struct sockaddr_storage address = {};
    socklen_t length = sizeof(address);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::string peer = PeerAddress(address);
    int32_t pid = next_pid_.fetch_add(1);
    // The cancel key must not be predictable from the keys other clients
    // were sent (a Mersenne Twister's can be): draw it from the CSPRNG.
    int32_t secret = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&secret), sizeof(secret)) != 1) {
      ::close(fd);
      continue;
    }
    active_++;
    last_busy = NowMs();
    std::thread([this, fd, peer, pid, secret] {
      {
        PgConnection connection(this, fd, peer, pid, secret);
        connection.Run();
      }
      active_--;
      drained_.notify_all();
    }).detach();
  }
  // Graceful shutdown.
  shutting_down_.store(true);
  RequestShutdown();
  ::close(listen_fd_);
  listen_fd_ = -1;
  Log("info", "shutting_down", {{"connections", active_.load()}});
  limiter_.WakeAll();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.shutdown_grace_ms);
  std::unique_lock<std::mutex> lock(mu_);
  drained_.wait_until(lock, deadline, [&] { return active_.load() == 0; });
  for (auto& [pid, connection] : connections_) connection->Interrupt(PgConnection::StopReason::kShutdown);
  drained_.wait_for(lock, std::chrono::seconds(5), [&] { return active_.load() == 0; });
  lock.unlock();
  Log("info", "stopped", {{"connections_left", active_.load()}});
}

}  // namespace weir::server
