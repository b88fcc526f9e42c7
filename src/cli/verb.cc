#include "cli/verb.h"

#include <CLI/CLI.hpp>

#include "admin/data_dir.h"
#include "api/admin_api.h"
#include "cli/caller.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "http/http.h"

namespace weir::cli {

std::string ApiPath(const std::vector<std::string>& segments,
                    const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::string> path = {"v1"};
  path.insert(path.end(), segments.begin(), segments.end());
  return http::BuildTarget(path, query);
}

Result<Json> CallVerb(const GlobalOptions& options, const ApiRequest& request) {
  WEIR_ASSIGN_OR_RETURN(auto remote, FindServer(options, options.server));
  if (remote) return CallApi(*remote, request.method, request.target, request.body);
  WEIR_ASSIGN_OR_RETURN(auto dir, admin::DataDir::Open(options.data_dir));
  WEIR_ASSIGN_OR_RETURN(admin::Caller caller, ActingCaller(options, *dir));
  auto answer = api::CallAdminApi(dir.get(), std::move(caller), request.method, request.target, request.body);
  dir.reset();  // flushes the audit log before anything is printed
  return answer;
}

void RunVerb(const GlobalOptions& options, const ApiRequest& request, const Printer& print) {
  auto answer = CallVerb(options, request);
  if (!answer.ok()) Finish(answer.status());
  Finish(print ? print(*answer) : Status::Ok());
}

void AddDataDirOptions(CLI::App* command, GlobalOptions& options, bool user_option) {
  command->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  if (user_option) AddUserOption(command, options);
  command->add_option("--server", options.server,
                      "Go through this server's admin API (https://HOST:PORT); by default, through the server "
                      "D/server.json names when one is running on the data directory, else on D itself");
}

}  // namespace weir::cli
