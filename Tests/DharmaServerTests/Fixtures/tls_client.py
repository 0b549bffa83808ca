"""Connects to a Dharma server with pyOpenSSL (on the OpenSSL the `cryptography` wheel
bundles, which speaks ML-KEM) and prints what was negotiated: the TLS version and the
key-exchange group, as `get_group_name()` reports it from the client's side.

usage: tls_client.py HOST PORT CA_FILE
"""
import socket
import sys

from OpenSSL import SSL


def main() -> int:
    host, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    context = SSL.Context(SSL.TLS_CLIENT_METHOD)
    context.load_verify_locations(ca)
    context.set_verify(SSL.VERIFY_PEER, lambda *args: args[-1])
    sock = socket.create_connection((host, port), timeout=10)
    sock.setblocking(True)  # pyOpenSSL raises WantReadError on a socket with a timeout
    connection = SSL.Connection(context, sock)
    connection.set_tlsext_host_name(host.encode())
    connection.set_connect_state()
    connection.do_handshake()
    group = connection.get_group_name()
    print(f"version={connection.get_protocol_version_name()} group={group.decode() if isinstance(group, bytes) else group}")
    connection.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
