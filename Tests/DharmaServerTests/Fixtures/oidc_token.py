"""An ID token from oidc-provider-mock through the authorisation-code flow, as a browser and a
relying party would get it: set the user's claims, submit the login form, trade the code.

usage: oidc_token.py ISSUER CLIENT_ID SUB CLAIMS_JSON   (prints the ID token)
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

issuer, client_id, sub, claims = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
redirect = "http://127.0.0.1:1/callback"

request = urllib.request.Request(f"{issuer}/users/{urllib.parse.quote(sub)}", data=claims.encode(), method="PUT",
                                 headers={"Content-Type": "application/json"})
urllib.request.urlopen(request).read()


class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


query = urllib.parse.urlencode({"client_id": client_id, "redirect_uri": redirect, "response_type": "code",
                                "scope": "openid profile email", "state": "s", "nonce": "n"})
opener = urllib.request.build_opener(Stop)
try:
    opener.open(f"{issuer}/oauth2/authorize?{query}", data=urllib.parse.urlencode({"sub": sub}).encode())
    sys.exit("the provider did not redirect with a code")
except urllib.error.HTTPError as error:
    location = error.headers["Location"]
code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]

form = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                               "client_id": client_id, "client_secret": "any-secret"}).encode()
tokens = json.loads(urllib.request.urlopen(urllib.request.Request(f"{issuer}/oauth2/token", data=form)).read())
print(tokens["id_token"])
