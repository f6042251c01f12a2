// An example parley agent: holds out for its best outcomes and concedes
// late (Boulware, e = 0.2), accepts anything it would offer itself next,
// and says on stderr (kept in the transcript) what it offers, in words.
//
//   parley run examples/job-offer.yaml \
//       --agents "ext:node clients/node/example-agent.js",conceder
//
// With --sessions N it declares that one process serves up to N
// negotiations at once (a tournament then keeps the process, per worker
// thread, for all of them).
'use strict';
const path = require('path');
const { Agent, serve } = require(path.join(__dirname, 'parley-agent.js'));

class LateConceder extends Agent {
  constructor() {
    super();
    this.concession = 0.2;
  }

  propose(time) {
    const offer = super.propose(time);
    if (offer) process.stderr.write('offering ' + JSON.stringify(this.named(offer)) + '\n');
    return offer;
  }

  accept(offer, utility, time) {
    const mine = super.propose(time);
    return mine !== null && utility >= this.utility(mine) - 1e-12;
  }

  named(o) {
    const out = {};
    this.issues.forEach((i, k) => (out[i.label] = i.options[o[k]].label));
    return out;
  }
}

if (process.argv[2] === '--serve') { // ext+tcp: prints the port
  serve(LateConceder, '127.0.0.1', 0, (port) => console.log(port));
} else if (process.argv[2] === '--sessions') {
  new LateConceder().run(Number(process.argv[3]));
} else {
  new LateConceder().run();
}
