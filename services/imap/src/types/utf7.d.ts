declare module "utf7" {
  const utf7: {
    encode(text: string, mask?: string): string;
    decode(text: string): string;
    imap: { encode(text: string): string; decode(text: string): string };
  };
  export default utf7;
}
