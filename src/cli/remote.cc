#include "cli/remote.h"

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cli/caller.h"
#include "cli/commands.h"

namespace weir::cli {

namespace {

StatusCode CodeFor(int http_status, const std::string& code) {
  if (auto known = StatusCodeFromName(code)) return *known;
  if (http_status == 400) return StatusCode::kInvalidArgument;
  if (http_status == 401) return StatusCode::kAuthenticationFailed;
  if (http_status == 403) return StatusCode::kPermissionDenied;
  if (http_status == 404) return StatusCode::kNotFound;
  if (http_status == 409) return StatusCode::kFailedPrecondition;
  return StatusCode::kInternal;
}

}  // namespace

Result<std::optional<Remote>> FindServer(const GlobalOptions& options, const std::string& server_url) {
  namespace fs = std::filesystem;
  const fs::path info_path = fs::path(options.data_dir) / "server.json";
  nlohmann::json info;
  if (fs::exists(info_path)) {
    std::ifstream in(info_path);
    info = nlohmann::json::parse(in, nullptr, false);
    if (info.is_discarded()) info = nlohmann::json();
  }
  Remote remote;
  if (!server_url.empty()) {
    WEIR_ASSIGN_OR_RETURN(remote.endpoint, http::ParseUrl(server_url));
    if (info.is_object() && info.value("api_url", "") == server_url) {
      remote.endpoint.fingerprint = info.value("fingerprint", "");
    }
  } else {
    if (!info.is_object() || !info.contains("api_url") || !info.contains("pid")) return std::optional<Remote>();
    int pid = info.value("pid", 0);
    if (pid <= 0 || ::kill(pid, 0) != 0) return std::optional<Remote>();  // a server that is gone
    WEIR_ASSIGN_OR_RETURN(remote.endpoint, http::ParseUrl(info["api_url"].get<std::string>()));
    remote.endpoint.fingerprint = info.value("fingerprint", "");
  }
  remote.user = ActingUserName(options);
  if (!remote.user.empty()) {
    remote.password = ActingSecret();
    if (remote.password.empty()) {
      return Status::InvalidArgument("acting as user " + remote.user + " needs its password in $WEIR_PASSWORD");
    }
  } else {
    std::ifstream in(fs::path(options.data_dir) / "admin-password");
    std::getline(in, remote.password);
    if (remote.password.empty()) {
      return Status::InvalidArgument("a server holds " + options.data_dir +
                                     ": name the user to act as with --user (or $WEIR_USER) and $WEIR_PASSWORD");
    }
    remote.user = "admin";
  }
  return std::optional<Remote>(std::move(remote));
}

Result<nlohmann::ordered_json> CallApi(const Remote& remote, const std::string& method, const std::string& target,
                                       const nlohmann::ordered_json& body) {
  WEIR_ASSIGN_OR_RETURN(
      http::ClientResponse response,
      http::Call(remote.endpoint, method, target, body.is_null() ? "" : body.dump(), remote.user, remote.password));
  auto json = nlohmann::ordered_json::parse(response.body, nullptr, false);
  if (response.status >= 200 && response.status < 300) {
    if (json.is_discarded()) return Status::Internal("the server sent a response that is not JSON");
    return json;
  }
  std::string message = "the server answered HTTP " + std::to_string(response.status);
  std::string code;
  if (!json.is_discarded() && json.contains("error")) {
    message = json["error"].value("message", message);
    code = json["error"].value("code", "");
  }
  StatusCode status_code = CodeFor(response.status, code);
  // Locally a refused login is a denial (admin::Authenticate); print it alike.
  if (status_code == StatusCode::kAuthenticationFailed) status_code = StatusCode::kPermissionDenied;
  return Status(status_code, message);
}

}  // namespace weir::cli
