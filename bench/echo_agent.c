/* echo_agent: the cheapest possible external agent, for bench_agents.
 * It answers "ready" to settings and offers the same outcome (every
 * option 0) to every question; informs are read and dropped. Reads with
 * stdio, writes one line per answer and flushes. Not parley code: a
 * stand-in for a client in any language. */
#include <stdio.h>
#include <string.h>

int main(void) {
  static char line[1 << 20];
  while (fgets(line, sizeof line, stdin)) {
    if (!strncmp(line, "{\"type\":\"settings\"", 18))
      fputs("{\"type\":\"ready\",\"version\":1}\n", stdout);
    else if (!strncmp(line, "{\"type\":\"your_turn\"", 19) ||
             !strncmp(line, "{\"type\":\"offer_received\"", 24))
      fputs("{\"type\":\"offer\",\"outcome\":[0,0,0]}\n", stdout);
    else if (!strncmp(line, "{\"type\":\"finished\"", 18))
      break;
    else
      continue;
    fflush(stdout);
  }
  return 0;
}
