#!/bin/sh
# make-test-certs.sh: the faulty certificates and keys the signing tests need
# (tests/sign/pki/), issued by the DEMO intermediate of samples/pki/.
#
#   expired.pem/.key     valid 2020-01-01 .. 2021-01-01 (refused at signing time 2024)
#   future.pem/.key      valid from 2040 (not yet valid in 2024)
#   nods.pem/.key        keyUsage keyEncipherment only (no digitalSignature)
#   ec-signer.pem/.key   P-256 signer, valid 2024..2037 (ecdsa-sha256 paths)
#   signer-enc.key       samples/pki/signer.key encrypted (AES-256) with the
#                        passphrase "demo passphrase" (test material only)
#
# Usage: sh tests/sign/pki/make-test-certs.sh   (from the source root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pki=$here/../../../samples/pki
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = demo
[demo]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ok]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
[v3_nods]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
CNF
: >"$work/index.txt"
echo 2000 >"$work/serial"

issue() { # name start end ext [keyalg-args...]
	name=$1 start=$2 end=$3 ext=$4
	shift 4
	openssl genpkey -quiet "$@" -out "$here/$name.key"
	openssl req -new -config "$work/ca.cnf" -key "$here/$name.key" \
		-subj "/O=reportgen DEMO/CN=reportgen DEMO test $name - NOT FOR PRODUCTION" -out "$work/$name.csr"
	openssl ca -batch -notext -config "$work/ca.cnf" -cert "$pki/intermediate.pem" \
		-keyfile "$pki/intermediate.key" -in "$work/$name.csr" -extensions "$ext" \
		-startdate "$start" -enddate "$end" -out "$here/$name.pem" 2>/dev/null
}
issue expired 20200101000000Z 20210101000000Z v3_ok -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue future 20400101000000Z 20410101000000Z v3_ok -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue nods 20240101000000Z 20370101000000Z v3_nods -algorithm RSA -pkeyopt rsa_keygen_bits:2048
issue ec-signer 20240101000000Z 20370101000000Z v3_ok -algorithm EC -pkeyopt ec_paramgen_curve:P-256
openssl pkey -in "$pki/signer.key" -aes256 -passout "pass:demo passphrase" -out "$here/signer-enc.key"
chmod 0644 "$here"/*.pem "$here"/*.key
