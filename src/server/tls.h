#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace weir::server {

// A byte stream to one client: the TCP socket, or TLS over it. Does not own
// the socket. Not thread-safe, except Shutdown().
class Stream {
 public:
  virtual ~Stream() = default;
  // Reads up to `size` bytes; 0 when the peer closed. kIoError on failure.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
  // Writes everything. kIoError when the peer is gone.
  virtual Status Write(std::string_view data) = 0;
  // Whether bytes already read from the socket wait here, decrypted or not
  // (so a poll on the socket would wrongly say there is nothing to read).
  virtual bool HasPending() const = 0;
  virtual bool secure() const = 0;
};

// The socket itself.
std::unique_ptr<Stream> PlainStream(int fd);

// The server's certificate and key, ready to accept TLS connections
// (TLS 1.2 or newer). Immutable after creation; thread-safe.
class TlsContext {
 public:
  // Loads a PEM certificate chain and its private key. kInvalidArgument
  // when they cannot be read, do not parse or do not match.
  static Result<std::unique_ptr<TlsContext>> Load(const std::string& cert_path, const std::string& key_path);

  // Writes a new self-signed certificate (ECDSA P-256, CN and SAN
  // "localhost" and 127.0.0.1, valid ten years) and its key (mode 0600).
  static Status GenerateSelfSigned(const std::string& cert_path, const std::string& key_path);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // SHA-256 of the certificate (DER), as colon-separated upper-case hex.
  const std::string& fingerprint() const { return fingerprint_; }

  // The server side of a handshake on `fd`. kIoError naming what failed.
  Result<std::unique_ptr<Stream>> Accept(int fd) const;

 private:
  TlsContext() = default;
  void* ctx_ = nullptr;  // SSL_CTX
  std::string fingerprint_;
};

}  // namespace weir::server
