package dev.tls13.testing;

/**
 * Reads what tests need from a pcapng capture that {@code dumpcap}/{@code tshark} writes of Linux's
 * loopback interface: little-endian blocks, Ethernet frames carrying IPv4. Tests that capture a connection
 * use it to wait until its segments are in the file before they stop the capture or dissect it.
 */
public final class Pcapng {

    /** Enhanced Packet Block (pcapng §4.3): 28 bytes of header, then the captured frame. */
    private static final int ENHANCED_PACKET_BLOCK = 6;
    private static final int EPB_HEADER = 28;
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTOCOL_TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;

    private Pcapng() {
    }

    /**
     * Counts the TCP segments between two ports in the complete blocks of a capture; a block still being
     * written at the end is left out.
     *
     * @param pcapng the file's bytes so far
     * @param port one end's port
     * @param peerPort the other end's port, or -1 for any
     * @param endsOnly count only segments with FIN or RST (the last ones of a connection; a kernel answers
     *                 data that reaches a closed socket with RST)
     * @return the number of matching segments
     */
    public static int tcpSegments(byte[] pcapng, int port, int peerPort, boolean endsOnly) {
        int count = 0;
        int block = 0;
        while (block + 12 <= pcapng.length) {
            int type = int32(pcapng, block);
            int length = int32(pcapng, block + 4);
            if (length < 12 || length > pcapng.length - block) {
                break;
            }
            int frame = block + EPB_HEADER;
            int ip = frame + ETHERNET_HEADER;
            if (type == ENHANCED_PACKET_BLOCK && length >= EPB_HEADER + ETHERNET_HEADER + 20 + 20
                    && uint16(pcapng, frame + 12) == ETHERTYPE_IPV4 && pcapng[ip + 9] == PROTOCOL_TCP) {
                int tcp = ip + (pcapng[ip] & 0x0F) * 4;
                int source = uint16(pcapng, tcp);
                int destination = uint16(pcapng, tcp + 2);
                boolean between = source == port && (peerPort < 0 || destination == peerPort)
                        || destination == port && (peerPort < 0 || source == peerPort);
                if (between && (!endsOnly || (pcapng[tcp + 13] & (TCP_FIN | TCP_RST)) != 0)) {
                    count++;
                }
            }
            block += length;
        }
        return count;
    }

    /** A pcapng block field: little-endian as dumpcap writes it on x86. */
    private static int int32(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16 | bytes[at + 3] << 24;
    }

    /** A field of the frame's headers: network byte order. */
    private static int uint16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }
}
