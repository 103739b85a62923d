#!/bin/sh
# Generates the test CA and a server certificate for 127.0.0.1/localhost/::1
# signed by it, into $1 (ca.pem, server.pem, server.key). Idempotent.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
[ -s ca.pem ] && [ -s server.pem ] && [ -s server.key ] && exit 0
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
  -subj "/CN=libthreecx test CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
  -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext.cnf
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 30 -extfile ext.cnf 2>/dev/null
# a second, unrelated CA: a client trusting only it must fail verification
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 30 \
  -subj "/CN=unrelated CA" 2>/dev/null
rm -f server.csr ext.cnf
echo "test CA written to $dir"
