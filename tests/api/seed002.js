// Seed 002's mirror configuration, written through tmirror-apid with
// Huawei's Node.js SDK, as a tenant's automation would: mirror-filter-A,
// its inbound TCP rule (192.168.0.161/32 -> 192.168.0.230/32 port 1234)
// and mirror-session-A (priority 1, VNI 1, packet length 96, enabled,
// ECS-source mirrored to ECS-target).  The ports already exist in the
// northbound database.  Prints the session's id; exits 1 on any error.
//
// Environment: TMIRROR_API_ENDPOINT, TMIRROR_API_AK, TMIRROR_API_SK,
// TMIRROR_API_PROJECT.
'use strict';

const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const v3 = require('@huaweicloud/huaweicloud-sdk-vpc').v3;

require('log4js').configure({
  appenders: { out: { type: 'stdout' } },
  categories: { default: { appenders: ['out'], level: 'off' } },
});

async function main() {
  const env = process.env;
  const cred = new BasicCredentials()
    .withAk(env.TMIRROR_API_AK)
    .withSk(env.TMIRROR_API_SK)
    .withProjectId(env.TMIRROR_API_PROJECT);
  const client = v3.VpcClient.newBuilder()
    .withCredential(cred)
    .withEndpoint(env.TMIRROR_API_ENDPOINT)
    .withOptions({ customUserAgent: 'tmirror-system-test',
                   axiosRequestConfig: { timeout: 15000 } })
    .build();

  const filter = await client.createTrafficMirrorFilter(
    new v3.CreateTrafficMirrorFilterRequest().withBody(
      new v3.CreateTrafficMirrorFilterRequestBody().withTrafficMirrorFilter(
        new v3.CreateTrafficMirrorFilterOption()
          .withName('mirror-filter-A'))));
  const filterId = filter.traffic_mirror_filter.id;

  await client.createTrafficMirrorFilterRule(
    new v3.CreateTrafficMirrorFilterRuleRequest().withBody(
      new v3.CreateTrafficMirrorFilterRuleRequestBody()
        .withTrafficMirrorFilterRule(
          new v3.CreateTrafficMirrorFilterRuleOption()
            .withTrafficMirrorFilterId(filterId)
            .withDirection('ingress')
            .withPriority(1)
            .withProtocol('tcp')
            .withEthertype('IPv4')
            .withSourceCidrBlock('192.168.0.161/32')
            .withDestinationCidrBlock('192.168.0.230/32')
            .withDestinationPortRange('1234-1234')
            .withAction('accept'))));

  const session = await client.createTrafficMirrorSession(
    new v3.CreateTrafficMirrorSessionRequest().withBody(
      new v3.CreateTrafficMirrorSessionRequestBody()
        .withTrafficMirrorSession(
          new v3.CreateTrafficMirrorSessionOption()
            .withName('mirror-session-A')
            .withTrafficMirrorFilterId(filterId)
            .withTrafficMirrorSources(['port-ecs-source'])
            .withTrafficMirrorTargetId('port-ecs-target')
            .withTrafficMirrorTargetType('eni')
            .withPriority(1)
            .withVirtualNetworkId('1')
            .withPacketLength('96')
            .withEnabled('true'))));
  console.log(session.traffic_mirror_session.id);
}

main().catch((e) => {
  console.error(`seed002.js: ${e.httpStatusCode || ''} ${e.errorCode || ''} `
                + `${e.errorMsg || e.message || e}`);
  process.exit(1);
});
