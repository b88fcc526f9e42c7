#include "server/tls.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>

namespace weir::server {

namespace {

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown TLS error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  ERR_clear_error();
  return buffer;
}

class PlainSocket : public Stream {
 public:
  explicit PlainSocket(int fd) : fd_(fd) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    while (true) {
      ssize_t n = ::recv(fd_, buffer, size, 0);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return Status::IoError(std::string("read: ") + std::strerror(errno));
    }
  }
  Status Write(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(std::string("write: ") + std::strerror(errno));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  bool HasPending() const override { return false; }
  bool secure() const override { return false; }

 private:
  int fd_;
};

class TlsSocket : public Stream {
 public:
  explicit TlsSocket(SSL* ssl) : ssl_(ssl) {}
  ~TlsSocket() override {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  Result<size_t> Read(char* buffer, size_t size) override {
    size_t got = 0;
    int rc = SSL_read_ex(ssl_, buffer, size, &got);
    if (rc == 1) return got;
    int error = SSL_get_error(ssl_, rc);
    if (error == SSL_ERROR_ZERO_RETURN) return static_cast<size_t>(0);
    if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return static_cast<size_t>(0);  // closed abruptly
    return Status::IoError("TLS read: " + OpenSslError());
  }
  Status Write(std::string_view data) override {
    while (!data.empty()) {
      size_t written = 0;
      int rc = SSL_write_ex(ssl_, data.data(), data.size(), &written);
      if (rc != 1) return Status::IoError("TLS write: " + OpenSslError());
      data.remove_prefix(written);
    }
    return Status::Ok();
  }
  bool HasPending() const override { return SSL_has_pending(ssl_) == 1; }
  bool secure() const override { return true; }

 private:
  SSL* ssl_;
};

std::string Fingerprint(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < length; i++) {
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02X" : ":%02X", digest[i]);
    out += hex;
  }
  return out;
}

}  // namespace

std::unique_ptr<Stream> PlainStream(int fd) { return std::make_unique<PlainSocket>(fd); }

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

Result<std::unique_ptr<TlsContext>> TlsContext::Load(const std::string& cert_path, const std::string& key_path) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status::Internal("cannot create a TLS context: " + OpenSslError());
  std::unique_ptr<TlsContext> result(new TlsContext());
  result->ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  // No session tickets (as PostgreSQL): libpq never resumes a session, and
  // TLS 1.3 would otherwise encrypt and send two after every handshake.
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // Read whole socket buffers, not a record header and then its body: one
  // read per request instead of two.
  SSL_CTX_set_read_ahead(ctx, 1);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    return Status::InvalidArgument("cannot load the TLS certificate " + cert_path + ": " + OpenSslError());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Status::InvalidArgument("cannot load the TLS key " + key_path + ": " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Status::InvalidArgument("the TLS key " + key_path + " does not match the certificate " + cert_path);
  }
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return Status::InvalidArgument("no certificate in " + cert_path);
  result->fingerprint_ = Fingerprint(cert);
  return result;
}

Status TlsContext::GenerateSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return Status::Internal("cannot generate a key: " + OpenSslError());
  X509* cert = X509_new();
  auto cleanup = [&] {
    X509_free(cert);
    EVP_PKEY_free(key);
  };
  unsigned char serial[16];
  FILE* urandom = std::fopen("/dev/urandom", "rb");
  if (urandom == nullptr || std::fread(serial, 1, sizeof(serial), urandom) != sizeof(serial)) {
    if (urandom) std::fclose(urandom);
    cleanup();
    return Status::IoError("cannot read /dev/urandom");
  }
  std::fclose(urandom);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_set_version(cert, 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Weir"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair<int, const char*>{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                            {NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature"},
                            {NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    if (ext == nullptr) {
      cleanup();
      return Status::Internal("cannot build a certificate extension: " + OpenSslError());
    }
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert, key, EVP_sha256()) == 0) {
    cleanup();
    return Status::Internal("cannot sign the certificate: " + OpenSslError());
  }
  mode_t old = ::umask(077);
  FILE* key_file = std::fopen(key_path.c_str(), "wb");
  ::umask(old);
  if (key_file == nullptr) {
    cleanup();
    return Status::IoError("cannot write " + key_path + ": " + std::strerror(errno));
  }
  bool ok = PEM_write_PrivateKey(key_file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  ok = std::fclose(key_file) == 0 && ok;
  FILE* cert_file = std::fopen(cert_path.c_str(), "wb");
  if (cert_file == nullptr) {
    cleanup();
    return Status::IoError("cannot write " + cert_path + ": " + std::strerror(errno));
  }
  ok = PEM_write_X509(cert_file, cert) == 1 && ok;
  ok = std::fclose(cert_file) == 0 && ok;
  cleanup();
  if (!ok) return Status::IoError("cannot write the certificate or key");
  return Status::Ok();
}

Result<std::unique_ptr<Stream>> TlsContext::Accept(int fd) const {
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
  if (ssl == nullptr) return Status::Internal("cannot create a TLS session: " + OpenSslError());
  SSL_set_fd(ssl, fd);
  int rc = SSL_accept(ssl);
  if (rc != 1) {
    std::string error = OpenSslError();
    SSL_free(ssl);
    return Status::IoError("TLS handshake failed: " + error);
  }
  return std::unique_ptr<Stream>(new TlsSocket(ssl));
}

}  // namespace weir::server
