#include "server/server.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "engine/engine.h"

namespace weir::server {
namespace {

// Idle polling may use every core but one: sessions polling and sessions
// working on a request together stay below the core count.
TEST(ServerTest, IdlePollingLeavesACoreFree) {
  Server server(ServerOptions{}, nullptr, nullptr);
  int cores = engine::Engine::Cores();
  int granted = 0;
  while (granted < cores + 1 && server.BeginPolling()) granted++;
  EXPECT_EQ(granted, cores - 1);
  for (int i = 0; i < granted; i++) server.EndPolling();

  // A busy session takes a polling place; when it is done the place is back.
  server.SessionBusy(true);
  int while_busy = 0;
  while (while_busy < cores + 1 && server.BeginPolling()) while_busy++;
  EXPECT_EQ(while_busy, std::max(0, cores - 2));
  for (int i = 0; i < while_busy; i++) server.EndPolling();
  server.SessionBusy(false);
  if (cores > 1) {
    EXPECT_TRUE(server.BeginPolling());
    server.EndPolling();
  }
}

}  // namespace
}  // namespace weir::server
