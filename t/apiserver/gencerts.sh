#!/bin/sh
# gencerts.sh DIR: a fresh set of test certificates for the fake APIServer.
# Every run regenerates all of them (idempotent: same files, new keys).
#
#   ca.crt ca.key                 CA "fake-apiserver-ca"
#   server.crt server.key         signed by ca; SAN DNS:kubernetes.default.svc,
#                                 DNS:kubernetes.default, DNS:localhost, IP:127.0.0.1
#   wrongname.crt wrongname.key   signed by ca; SAN DNS:wrong.example only
#   selfsigned.crt selfsigned.key self-signed, same names as server.crt
#   other-ca.crt other-ca.key     an unrelated CA "other-ca"
#
# Keys are ECDSA P-256 (fast to make). Everything is made in a temporary
# directory first and renamed into DIR, so no file is ever seen half written.
# Certificates are 0644, keys 0600.
set -eu

dir=${1:?usage: gencerts.sh DIR}
mkdir -p "$dir"
umask 077
work=$(mktemp -d "$dir/.gencerts.XXXXXX")
trap 'rm -rf "$work"' EXIT

SANS="DNS:kubernetes.default.svc,DNS:kubernetes.default,DNS:localhost,IP:127.0.0.1"
DAYS_CA=3650
DAYS=825

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 8)"; }

# ca NAME CN
ca() {
    key "$work/$1.key"
    openssl req -x509 -new -key "$work/$1.key" -out "$work/$1.crt" \
        -days $DAYS_CA -subj "/CN=$2" -set_serial "$(serial)" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# leaf NAME CN SANS: signed by ca
leaf() {
    key "$work/$1.key"
    openssl req -new -key "$work/$1.key" -out "$work/$1.csr" -subj "/CN=$2" 2>/dev/null
    cat > "$work/$1.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$3
authorityKeyIdentifier=keyid
subjectKeyIdentifier=hash
EOF
    openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
        -set_serial "$(serial)" -days $DAYS -extfile "$work/$1.ext" \
        -out "$work/$1.crt" 2>/dev/null
}

ca ca fake-apiserver-ca
ca other-ca other-ca
leaf server kube-apiserver "$SANS"
leaf wrongname wrong.example "DNS:wrong.example"

key "$work/selfsigned.key"
openssl req -x509 -new -key "$work/selfsigned.key" -out "$work/selfsigned.crt" \
    -days $DAYS -subj "/CN=kubernetes.default.svc" -set_serial "$(serial)" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
    -addext "extendedKeyUsage=serverAuth" \
    -addext "subjectAltName=$SANS" 2>/dev/null

# sanity: the good chain verifies, the bad ones do not
openssl verify -CAfile "$work/ca.crt" "$work/server.crt" "$work/wrongname.crt" >/dev/null
if openssl verify -CAfile "$work/other-ca.crt" "$work/server.crt" >/dev/null 2>&1; then
    echo "gencerts.sh: other-ca unexpectedly verifies server.crt" >&2; exit 1
fi

for f in ca other-ca server wrongname selfsigned; do
    chmod 644 "$work/$f.crt"
    chmod 600 "$work/$f.key"
    mv -f "$work/$f.crt" "$dir/$f.crt"
    mv -f "$work/$f.key" "$dir/$f.key"
done
