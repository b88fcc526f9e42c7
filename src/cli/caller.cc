#include "cli/caller.h"

#include <cstdlib>
#include <string>

#include <CLI/CLI.hpp>

#include "admin/data_dir.h"
#include "cli/commands.h"
#include "store/store.h"

namespace weir::cli {

namespace {

std::string Environment(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::string ActingUserName(const GlobalOptions& options) {
  return !options.user.empty() ? options.user : Environment("WEIR_USER");
}

std::string ActingSecret() { return Environment("WEIR_PASSWORD"); }

Result<admin::Caller> ActingCaller(const GlobalOptions& options, admin::DataDir& dir) {
  std::string user = ActingUserName(options);
  if (user.empty()) return admin::Caller::Local(admin::LocalActor());
  WEIR_ASSIGN_OR_RETURN(store::MetadataState state, dir.store().Load());
  return ActingCaller(options, state);
}

Result<admin::Caller> ActingCaller(const GlobalOptions& options, const store::MetadataState& state) {
  std::string user = ActingUserName(options);
  if (user.empty()) return admin::Caller::Local(admin::LocalActor());
  std::string secret = ActingSecret();
  if (secret.empty()) {
    return Status::InvalidArgument("acting as user " + user +
                                   " needs its password (or its access key's secret) in $WEIR_PASSWORD");
  }
  return admin::Authenticate(state, user, secret);
}

void AddUserOption(CLI::App* command, GlobalOptions& options) {
  command->add_option("--user", options.user,
                      "Act as this user (or access key id), authorized by its IAM policies; the password or secret "
                      "comes from $WEIR_PASSWORD (default: $WEIR_USER, else the local administrator)");
}

}  // namespace weir::cli
