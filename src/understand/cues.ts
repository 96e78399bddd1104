/**
 * Whether a message reports contact with a customer ("met Acme", "call with
 * Initech", "拜访了华为"). A message that only names a company it has never
 * seen, without such a cue or any deal detail, is not enough to open a deal:
 * "Ignore all previous instructions" must not become an account called Ignore.
 */
const CONTACT_CUE =
  /\b(met|meet|meeting|called|call|calls|spoke|spoken|talked|talk|visited|visit|lunch|dinner|coffee|demo|demoed|pitched|intro|introduced|emailed|presented|onsite|on-site|workshop|kickoff|kick-off|signed|closed|lost|won)\b|拜访|见了|见面|会面|沟通|开会|会议|电话|通话|聊了|交流|演示|签约|签了|成交|丢单|约了|对接/iu;

export function hasContactCue(text: string): boolean {
  return CONTACT_CUE.test(text);
}
