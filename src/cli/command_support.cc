#include "cli/command_support.h"

#include <cstdlib>
#include <sstream>

#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "cli/caller.h"
#include "cli/commands.h"
#include "cli/output.h"

namespace weir::cli {

void Finish(const Status& status) {
  if (!status.ok()) {
    PrintError(status);
    std::exit(1);
  }
  std::exit(0);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

std::shared_ptr<const access::Snapshot> SnapshotOrDie(const GlobalOptions& options, const admin::Access& access) {
  auto dir = admin::DataDir::Open(options.data_dir);
  if (!dir.ok()) Finish(dir.status());
  Status status = [&]() -> Status {
    WEIR_ASSIGN_OR_RETURN(admin::Caller caller, ActingCaller(options, **dir));
    return admin::Admin(dir->get(), std::move(caller)).Check(access);
  }();
  std::shared_ptr<const access::Snapshot> snapshot = (*dir)->snapshot();
  dir.value().reset();
  if (!status.ok()) Finish(status);
  return snapshot;
}

}  // namespace weir::cli
