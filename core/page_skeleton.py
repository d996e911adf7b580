"""A page kept as its skeleton: the text around its changing blocks, written once per key, with
only those blocks rendered on each visit.

An admin change list is five templates deep (the model's own, the project's and Django's
``change_list.html``, ``base_site.html``, Django's ``base.html``) and most of what they write is
the same on every visit of a list: the head with its styles and scripts, the breadcrumbs, the
title, the page's frame. Writing it through the template engine cost ~5 of the ~24 million
instructions a district-scale admin list costs (issue #8, counted with callgrind), beside the
parts that do change (the rows, the filters, the pagination), already written in Python.

A ``Skeleton`` names the blocks that change (``holes``: the header with the staff member's name,
the sidebar, the messages, the rows…) and a ``key`` naming everything else the page shows
(the model admin, the title, the language…). The first visit for a key renders the page as
always, but with a marker where each hole's block goes and in place of the CSRF token; the text
between the markers is kept. Each later visit renders only the holes' blocks (with the
context, context processors and block inheritance a full render gives them) and joins them
with the kept text and the request's own token: the same HTML, tested against a full render.

What the key does not name must not show outside the holes: a template in the chain below the
anchor (a model's own ``change_list.html``) may only override blocks inside the holes, else its
pages are rendered in full. A key of None renders in full. Skeletons live in the process (a
bounded memo, never a shared cache) and hold no request's data: only what the key names.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import loader_tags
from django.template.base import NodeList, TextNode
from django.test.signals import template_rendered
from django.utils.safestring import SafeString, mark_safe

from core import render_env
from core.compiled import Kept
from core.templatetags.memo_extends import root_blocks

TOKEN_MARK = "LvKeptCsrfTokenMark"  # as core/templatetags/kept_html.py writes it
_HOLE_MARK = "LvPageHole{}Mark"  # letters and digits: never escaped
_MARKS = re.compile(r"LvPageHole(\d+)Mark|" + TOKEN_MARK)
_TOKEN = -1  # in a skeleton's list of holes: the CSRF token


@dataclass(frozen=True)
class Skeleton:
    """Pages kept for templates whose chain passes through ``anchor`` (a project template, by
    name): ``holes`` are the names of the blocks rendered on each visit (not nested in one
    another), ``key(context)`` names everything else the page shows, or None."""

    anchor: str
    holes: tuple[str, ...]
    key: Callable[[object], tuple | None]


@dataclass(frozen=True)
class _Chain:
    """A compiled template's chain: its templates (the leaf's first) and, for each block a
    hole may render (the holes and the blocks inside them), its ``BlockNode`` at each level
    that has one, the root's first (as the chain's ``{% extends %}`` nodes queue them)."""

    skeleton: Skeleton
    templates: tuple
    blocks: tuple[tuple[str, tuple], ...]


_SKELETONS: list[Skeleton] = []
_CHAIN = "_lvzhi_skeleton_chain"  # kept on the compiled template: its _Chain, or None
_KEPT = Kept(limit=256)  # lists x languages x titles: beyond that the memo starts again


def register(skeleton: Skeleton) -> None:
    _SKELETONS.append(skeleton)


def render(template, context) -> SafeString | None:
    """``template`` (a compiled Django template) rendered with ``context`` (a fresh
    ``RequestContext``) through its kept skeleton, or None where it has none: a template no
    skeleton applies to, a key of None, a page rendered without a request."""
    chain = template.__dict__.get(_CHAIN, False)
    if chain is False:
        chain = _chain_of(template, context)
    if chain is None:
        return None
    if getattr(context, "request", None) is None:  # no request, no token (the CSRF processor)
        return None
    named = chain.skeleton.key(context)
    if named is None:
        return None
    key = (template, render_env.environment(), *named)
    kept = _KEPT.get(key)
    if kept is None:
        return _written(template, context, chain, key)
    pieces, holes = kept
    with context.render_context.push_state(template), context.bind_template(template):
        context.template_name = template.name
        if template_rendered.receivers:  # a test client records the templates of a page
            for level in chain.templates:
                template_rendered.send(sender=level, template=level, context=context)
        block_context = _block_context(chain)
        context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = block_context
        parts = [pieces[0]]
        for hole, piece in zip(holes, pieces[1:], strict=True):
            if hole == _TOKEN:
                parts.append(str(context.get("csrf_token")))
            else:
                parts.append(block_context.get_block(chain.skeleton.holes[hole]).render(context))
            parts.append(piece)
    return mark_safe("".join(parts))


def _written(template, context, chain: _Chain, key: tuple) -> SafeString:
    """The page rendered in full, with markers for the holes and the token, kept as the text
    between them; the same page returned, with the holes and the token filled in."""
    with context.render_context.push_state(template), context.bind_template(template):
        context.template_name = template.name
        block_context = loader_tags.BlockContext()
        block_context.add_blocks(
            {
                name: loader_tags.BlockNode(name, NodeList([TextNode(_HOLE_MARK.format(n))]))
                for n, name in enumerate(chain.skeleton.holes)
            }
        )
        context.render_context[loader_tags.BLOCK_CONTEXT_KEY] = block_context
        with context.push(csrf_token=TOKEN_MARK):
            marked = str(template._render(context))
    pieces, holes, last = [], [], 0
    for found in _MARKS.finditer(marked):
        pieces.append(marked[last : found.start()])
        holes.append(_TOKEN if found.group(1) is None else int(found.group(1)))
        last = found.end()
    pieces.append(marked[last:])
    _KEPT.get_or_make(key, lambda: (tuple(pieces), tuple(holes)))
    # This visit's page: rendered again through the skeleton just kept (the holes were not).
    return render(template, context)


def _block_context(chain: _Chain) -> loader_tags.BlockContext:
    """The holes' blocks, queued as the chain's ``{% extends %}`` nodes would queue them."""
    block_context = loader_tags.BlockContext()
    block_context.blocks.update((name, list(queue)) for name, queue in chain.blocks)
    return block_context


def _chain_of(template, context) -> _Chain | None:
    """The skeleton that applies to ``template`` with its chain's blocks, found once per
    compiled template (the cached loader keeps it for the process)."""
    found = None
    with context.render_context.push_state(template), context.bind_template(template):
        levels, templates, node = [], [template], _extends_node(template)
        while node is not None:
            levels.append(node.blocks)
            parent = node.get_parent(context)
            templates.append(parent)
            node = _extends_node(parent)
            if node is None:
                levels.append(root_blocks(parent) or {})
        for skeleton in _SKELETONS:
            anchor = str(Path(settings.BASE_DIR) / "templates" / skeleton.anchor)
            below = [level.origin.name for level in templates]
            if anchor in below and _only_holes(skeleton, levels, below.index(anchor)):
                queues = {name: [] for name in _inside_holes(skeleton, levels)}
                for blocks in levels:
                    for name, queue in queues.items():
                        if name in blocks:
                            queue.insert(0, blocks[name])
                found = _Chain(
                    skeleton,
                    tuple(templates),
                    tuple((name, tuple(queue)) for name, queue in queues.items()),
                )
                break
    template.__dict__[_CHAIN] = found
    return found


def _extends_node(template) -> loader_tags.ExtendsNode | None:
    for node in template.nodelist:
        if not isinstance(node, TextNode):
            return node if isinstance(node, loader_tags.ExtendsNode) else None
    return None


def _inside_holes(skeleton: Skeleton, levels: list[dict]) -> set[str]:
    """The holes and the blocks any level of the chain nests inside one."""
    inside = set(skeleton.holes)
    for blocks in levels:
        for name in skeleton.holes:
            if name in blocks:
                found = blocks[name].nodelist.get_nodes_by_type(loader_tags.BlockNode)
                inside.update(block.name for block in found)
    return inside


def _only_holes(skeleton: Skeleton, levels: list[dict], anchor: int) -> bool:
    """Whether the templates below the anchor (``levels[:anchor]``) override only blocks
    inside the holes."""
    inside = _inside_holes(skeleton, levels)
    return all(set(blocks) <= inside for blocks in levels[:anchor])
