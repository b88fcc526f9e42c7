#include "cli/command_support.h"

#include <cstdlib>
#include <sstream>

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

}  // namespace weir::cli
