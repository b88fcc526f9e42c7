#pragma once

// TCP plumbing shared by the query server and the admin API's HTTP server.

#include <string>

#include <sys/socket.h>

#include "common/status.h"

namespace weir::server {

// A listening TCP socket (close-on-exec, SO_REUSEADDR) on the first address
// `host` resolves to that can be bound (an empty host: every interface);
// `*port` is the port asked for (0: any) and receives the one bound.
// kInvalidArgument when `host` does not resolve, kIoError when no address
// can be bound; `what` names the listener in the message.
Result<int> ListenTcp(const std::string& host, int* port, int backlog, const std::string& what);

// "HOST:PORT" of a peer from accept(); "?:0" for another address family.
std::string PeerAddress(const sockaddr_storage& address);

}  // namespace weir::server
