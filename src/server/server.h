#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace weir::admin {
class DataDir;
}
namespace weir::engine {
class Engine;
}

namespace weir::server {

class PgConnection;
class TlsContext;

struct ServerOptions {
  std::string pg_host = "127.0.0.1";
  int pg_port = 5433;  // 0 = any free port (tests)
  // TLS is required unless `insecure_no_tls`; without a certificate and key
  // a self-signed pair is generated into the data directory on first start.
  bool insecure_no_tls = false;
  std::string tls_cert;
  std::string tls_key;
  int max_connections = 2000;
  // Statements running at once per role; more wait their turn.
  int role_concurrency = 8;
  // Sessions idle longer than this are closed (57P05); 0 = never.
  int64_t idle_session_timeout_ms = 0;
  // The server stops after no client has been connected for this long; 0 = never.
  int64_t idle_shutdown_ms = 0;
  // Startup and authentication must finish within this.
  int64_t authentication_timeout_ms = 30000;
  // On SIGTERM: running statements get this long to finish, then are cancelled.
  int64_t shutdown_grace_ms = 10000;
  // Before a session's thread sleeps waiting for its client, it polls the
  // socket for up to this long (0 = never): only while a core is free and
  // only when the client's previous request came within that time.
  int64_t idle_poll_us = 100;
};

// Counts statements running per role and makes the next ones wait their
// turn (FIFO enough: a condition variable). Thread-safe.
class RoleLimiter {
 public:
  explicit RoleLimiter(int per_role) : per_role_(per_role) {}
  // Waits for a slot; false when `abandon` became true while waiting.
  bool Acquire(const std::string& role, const std::atomic<bool>& abandon);
  void Release(const std::string& role);
  // Wakes waiters so they can notice `abandon`.
  void WakeAll();

 private:
  int per_role_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, int> running_;
};

// The shared query server: accepts PostgreSQL clients on one port (TLS
// unless disabled), one thread per connection, each connection one
// session running as its runtime role. Thread-safe.
class Server {
 public:
  // `dir` and `engine` must outlive the server.
  Server(ServerOptions options, admin::DataDir* dir, engine::Engine* engine);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Prepares TLS (generating a certificate when needed) and binds the
  // port. kIoError when the port cannot be bound.
  Status Start();
  // The bound port (after Start).
  int port() const { return port_; }
  // The TLS certificate's fingerprint; empty without TLS.
  std::string fingerprint() const;

  // Accepts clients until RequestShutdown() or the idle-shutdown time, then
  // shuts down gracefully: stops accepting, closes idle sessions, lets
  // running statements finish within the grace period, then cancels them.
  void Run();
  // Thread-safe and async-signal-safe.
  void RequestShutdown();

  // --- for connections ---
  const ServerOptions& options() const { return options_; }
  admin::DataDir& data_dir() { return *dir_; }
  engine::Engine& engine() { return *engine_; }
  const TlsContext* tls() const { return tls_.get(); }
  RoleLimiter& limiter() { return limiter_; }
  bool shutting_down() const { return shutting_down_.load(); }
  // A descriptor that becomes readable when shutdown begins.
  int shutdown_fd() const { return shutdown_pipe_[0]; }
  // Forwards a CancelRequest to the session it names (the secret must match).
  void Cancel(int32_t pid, int32_t secret);
  int active_connections() const { return active_.load(); }
  // Idle polling's share of the cores: true when one more session may poll
  // now (no more sessions polling or working on a request than there are
  // cores less one); then call EndPolling when done.
  bool BeginPolling();
  void EndPolling() { polling_.fetch_sub(1); }
  // A session starts or stops working on requests: it counts as busy from
  // authentication on, except while it waits for its client.
  void SessionBusy(bool busy) { busy_.fetch_add(busy ? 1 : -1); }

 private:
  friend class PgConnection;
  void Register(PgConnection* connection);
  void Unregister(PgConnection* connection);
  void Watchdog();

  ServerOptions options_;
  admin::DataDir* dir_;
  engine::Engine* engine_;
  std::unique_ptr<TlsContext> tls_;
  RoleLimiter limiter_;
  int listen_fd_ = -1;
  int port_ = 0;
  int shutdown_pipe_[2] = {-1, -1};
  std::atomic<bool> shutting_down_{false};
  std::atomic<int> active_{0};
  std::atomic<int32_t> next_pid_{1000};
  const int poll_cores_;         // cores idle polling may use
  std::atomic<int> polling_{0};  // sessions polling their socket
  std::atomic<int> busy_{0};     // sessions working on a request

  std::mutex mu_;
  std::condition_variable drained_;
  std::map<int32_t, PgConnection*> connections_;  // by backend pid
  std::thread watchdog_;
};

}  // namespace weir::server
