import { authorization, canonicalRequest, duoDate, sign } from '../../src/verifiers/duo/duo-signature';

/** Duo's own published signing vector (its client libraries' tests): the canonical request, and its HMAC-SHA1. */
describe("Duo's request signature", () => {
  const params: Record<string, string> = {
    '\u469a\u287b\u35d0\u8ef3\u6727\u502a\u0810\ud091\u00c8\uc170': '\u0f45\u1a76\u341a\u654c\uc23f\u9b09\uabe2\u8343\u1b27\u60d0',
    '\u7449\u7e4b\uccfb\u59ff\ufe5f\u83b7\uadcc\u900c\ucfd1\u7813': '\u8db7\u5022\u92d3\u42ef\u207d\u8730\uacfe\u5617\u0946\u4e30',
    '\u7470\u9314\u901c\u9eae\u40d8\u4201\u82d8\u8c70\u1d31\ua042': '\u17d9\u0ba8\u9358\uaadf\ua42a\u48be\ufb96\u6fe9\ub7ff\u32f3',
    '\uc2c5\u2c1d\u2620\u3617\u96b3F\u8605\u20e8\uac21\u5934': '\ufba9\u41aa\ubd83\u840b\u2615\u3e6e\u652d\ua8b5\ud56bU',
  };
  const canonical = canonicalRequest({ date: 'Fri, 07 Dec 2012 17:18:00 -0000', method: 'PoSt', host: 'foO.BAr52.cOm', path: '/Foo/BaR2/qux', params });

  it('canonical request: date, upper-case method, lower-case host, path, sorted percent-encoded parameters', () => {
    expect(canonical.split('\n').slice(0, 4)).toEqual(['Fri, 07 Dec 2012 17:18:00 -0000', 'POST', 'foo.bar52.com', '/Foo/BaR2/qux']);
    expect(canonical.split('\n')[4]).toMatch(/^%E4%9A%9A%E2%A1%BB%E3%97%90%E8%BB%B3%E6%9C%A7%E5%80%AA%E0%A0%90%ED%82%91%C3%88%EC%85%B0=%E0%BD%85/);
  });

  it('signs as Duo does: HMAC-SHA1 gives the published value; the Authorization header is Basic ikey:hex', () => {
    const sha1 = sign('gtdfxv9YgVBYcF6dl2Eq17KUQJN2PLM2ODVTkvoT', canonical, 'sha1');
    expect(sha1).toBe('f01811cbbf9561623ab45b893096267fd46a5178');
    expect(authorization('test_ikey', sha1)).toBe('Basic dGVzdF9pa2V5OmYwMTgxMWNiYmY5NTYxNjIzYWI0NWI4OTMwOTYyNjdmZDQ2YTUxNzg=');
    expect(sign('gtdfxv9YgVBYcF6dl2Eq17KUQJN2PLM2ODVTkvoT', canonical)).toMatch(/^[0-9a-f]{128}$/);
  });

  it('encodes as RFC 3986 (a space is %20, ~ stays) and writes the Date as RFC 2822', () => {
    expect(canonicalRequest({ date: 'd', method: 'GET', host: 'h', path: '/p', params: { b: 'x y', a: "~!'()*" } }).split('\n')[4]).toBe('a=~%21%27%28%29%2A&b=x%20y');
    expect(duoDate(new Date(Date.UTC(2012, 11, 7, 17, 18, 0)))).toBe('Fri, 07 Dec 2012 17:18:00 -0000');
  });
});
