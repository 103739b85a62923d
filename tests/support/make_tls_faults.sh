#!/bin/sh
# Certificates for the TLS fault tests, into $2 from the test CA in $1
# (make_test_ca.sh): a self-signed server certificate, one from the test CA
# for another host name, one from the test CA that has expired, and the
# public-key pins (sha256//base64) of the regular server key and of an
# unrelated key. Idempotent.
set -eu
ca=$(cd "$1" && pwd)
dir=$2
mkdir -p "$dir"
cd "$dir"
[ -s expired.pem ] && [ -s server.pin ] && exit 0
ext='subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth'
printf '%s\n' "$ext" > ok.ext
printf 'subjectAltName=DNS:wrong.example\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > wrong.ext
# self-signed for the right names
openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days 30 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
# the test CA's, for another host
openssl req -newkey rsa:2048 -nodes -keyout wronghost.key -out wronghost.csr -subj "/CN=wrong.example" 2>/dev/null
openssl x509 -req -in wronghost.csr -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
  -out wronghost.pem -days 30 -extfile wrong.ext 2>/dev/null
# the test CA's, valid from 2020-01-01 to 2020-01-02 (openssl ca takes dates)
openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=localhost" 2>/dev/null
mkdir -p caroot
: > caroot/index.txt
echo 1000 > caroot/serial
cat > ca.cnf <<CNF
[ca]
default_ca = test
[test]
dir = caroot
database = caroot/index.txt
serial = caroot/serial
new_certs_dir = caroot
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
[ext]
$ext
CNF
openssl ca -batch -config ca.cnf -cert "$ca/ca.pem" -keyfile "$ca/ca.key" -in expired.csr \
  -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z -extensions ext -notext >/dev/null 2>&1
pin() { openssl pkey -in "$1" -pubout -outform der 2>/dev/null | openssl dgst -sha256 -binary | base64; }
printf 'sha256//%s' "$(pin "$ca/server.key")" > server.pin
printf 'sha256//%s' "$(pin selfsigned.key)" > other.pin
rm -rf caroot ca.cnf ./*.csr ./*.ext
echo "TLS fault certificates written to $dir"
