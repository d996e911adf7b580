"""The ``{% extends %}`` tag, finding a root template's blocks once per compiled template.

Django's node, on every render, walks the whole node tree of the template at the root of the
chain to collect its ``{% block %}`` nodes: for the admin's ``admin/base.html`` (some 150
nodes under headers, conditions and blocks) that walk was ~1.1 million of the ~25 million
instructions an admin list page costs, and ~0.17 million of the trivial page's 6.8 million
(counted with callgrind at district scale, issue #8). A compiled template never changes
(the cached loader keeps it for the process; the plain loader compiles a new one, with its own
record), so its blocks are found once and kept on it.

Installed as a template builtin (``TEMPLATES[…]["OPTIONS"]["builtins"]``), so it replaces
Django's tag in every template without a ``{% load %}``; parsing, the parent's lookup, errors and
rendering are Django's.
"""

from django import template
from django.template import loader_tags
from django.template.base import TextNode

register = template.Library()

_ROOT_BLOCKS = "_lvzhi_root_blocks"  # kept on the compiled parent: its blocks, or None


def root_blocks(compiled_parent) -> dict | None:
    """The ``{name: BlockNode}`` of ``compiled_parent`` if it is the root of its chain (its
    first node that is not text is not an ``{% extends %}``), else None; as Django's node finds
    them, once per compiled template."""
    try:
        return compiled_parent.__dict__[_ROOT_BLOCKS]
    except KeyError:
        pass
    blocks = None
    for node in compiled_parent.nodelist:
        if not isinstance(node, TextNode):
            if not isinstance(node, loader_tags.ExtendsNode):
                found = compiled_parent.nodelist.get_nodes_by_type(loader_tags.BlockNode)
                blocks = {block.name: block for block in found}
            break
    compiled_parent.__dict__[_ROOT_BLOCKS] = blocks
    return blocks


class MemoExtendsNode(loader_tags.ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if loader_tags.BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = loader_tags.BlockContext()
        block_context = context.render_context[loader_tags.BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def extends(parser, token):
    node = loader_tags.do_extends(parser, token)
    return MemoExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
