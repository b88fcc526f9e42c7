#pragma once

#include <string>

namespace weir::iam {

// A role a session can run as. The identity issue adds trust and identity
// policies, tags and ARNs; for now a role is a name that grants attach to.
struct Role {
  std::string name;
  std::string description;
};

}  // namespace weir::iam
