#include <cstdio>

#include "common/version.h"

int main(int argc, char** argv) {
  std::printf("weir %s\n", weir::kWeirVersion);
  return 0;
}
