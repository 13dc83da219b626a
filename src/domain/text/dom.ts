import { ElementType, type parseDocument } from "htmlparser2";

/* Node types of htmlparser2's tree, named here so the walkers need no import of its internals. */

export type DomNode = ReturnType<typeof parseDocument>["children"][number];
export type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;
export type DomText = Extract<DomNode, { data: string }>;

/** Elements, <script> and <style> included. */
export function isElement(node: DomNode): node is DomElement {
  return ElementType.isTag(node);
}

export function isText(node: DomNode): node is DomText {
  return node.type === ElementType.Text;
}
