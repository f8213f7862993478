namespace SpaceSync.Core.Tests.Content;

/// <summary>Realistic page bodies as each product stores them (written for these tests, not copied from a site).</summary>
internal static class StorageSamples
{
    /// <summary>Data Center: userkey mentions, no local-ids, HTML entities, a wrapped table, inline status in a cell.</summary>
    public const string DataCenterPage =
        "<p>This page describes the <strong>release process</strong> for Payments&nbsp;v2 &mdash; it&rsquo;s owned by " +
        "<ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0001\" /></ac:link>.</p>" +
        "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\" ac:macro-id=\"3c1e4b7a-9f2d-4e1b-8c55-0d9a7e6f1a22\">" +
        "<ac:parameter ac:name=\"maxLevel\">2</ac:parameter></ac:structured-macro>" +
        "<h2>Before you start</h2>" +
        "<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\" ac:macro-id=\"7d2c9e10-5b3a-4f6e-9a81-2c4d6e8f0b13\">" +
        "<ac:parameter ac:name=\"title\">Read first</ac:parameter><ac:rich-text-body>" +
        "<p>See <ac:link><ri:page ri:space-key=\"PAY\" ri:content-title=\"Release checklist\" />" +
        "<ac:plain-text-link-body><![CDATA[the checklist]]></ac:plain-text-link-body></ac:link> and the " +
        "<a href=\"https://wiki.example.com/pages/viewpage.action?pageId=1234567&amp;focus=true\">runbook</a>.</p>" +
        "</ac:rich-text-body></ac:structured-macro>" +
        "<table class=\"wrapped\"><colgroup><col /><col /></colgroup><tbody>" +
        "<tr><th>Step</th><th>Owner</th></tr>" +
        "<tr><td>Tag the build</td><td><ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0002\" /></ac:link></td></tr>" +
        "<tr><td>Status</td><td>Now <ac:structured-macro ac:name=\"status\" ac:schema-version=\"1\" ac:macro-id=\"0b9e\">" +
        "<ac:parameter ac:name=\"colour\">Green</ac:parameter><ac:parameter ac:name=\"title\">Done</ac:parameter></ac:structured-macro></td></tr>" +
        "</tbody></table>" +
        "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\" ac:macro-id=\"5e8f1a2b\">" +
        "<ac:parameter ac:name=\"language\">bash</ac:parameter><ac:parameter ac:name=\"title\">deploy.sh</ac:parameter>" +
        "<ac:plain-text-body><![CDATA[#!/bin/bash\nset -euo pipefail\nif [[ $# -lt 1 ]]; then echo \"usage: deploy.sh <env>\" >&2; exit 1; fi\n" +
        "  ./gradlew publish -Penv=\"$1\"   # keep   these   spaces\n]]></ac:plain-text-body></ac:structured-macro>" +
        "<ac:task-list>\n<ac:task>\n<ac:task-id>1</ac:task-id>\n<ac:task-status>complete</ac:task-status>\n" +
        "<ac:task-body>Freeze <strong>main</strong></ac:task-body>\n</ac:task>\n<ac:task>\n<ac:task-id>2</ac:task-id>\n" +
        "<ac:task-status>incomplete</ac:task-status>\n<ac:task-body>Notify <ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0003\" /></ac:link>" +
        "&nbsp;by <time datetime=\"2024-05-02\" /></ac:task-body>\n</ac:task>\n</ac:task-list>" +
        "<p><ac:image ac:height=\"250\"><ri:attachment ri:filename=\"pipeline.png\" /></ac:image></p>" +
        "<ac:structured-macro ac:name=\"expand\" ac:schema-version=\"1\" ac:macro-id=\"aa01\"><ac:parameter ac:name=\"title\">History</ac:parameter>" +
        "<ac:rich-text-body><ul><li>v1 &ndash; 2023, by <ac:link><ri:user ri:username=\"jdoe\" /></ac:link></li><li>v2 &ndash; 2024</li></ul></ac:rich-text-body></ac:structured-macro>" +
        "<pre>  preformatted\n    stays   as is</pre>" +
        "<p><ac:emoticon ac:name=\"smile\" /> Thanks!</p>";

    /// <summary>The canonical form of <see cref="DataCenterPage"/>, checked by hand.</summary>
    public const string DataCenterPageCanonical =
        "<p>This page describes the <strong>release process</strong> for Payments&#160;v2 — it’s owned by " +
        "<ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0001\" /></ac:link>.</p>" +
        "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\">" +
        "<ac:parameter ac:name=\"maxLevel\">2</ac:parameter></ac:structured-macro>" +
        "<h2>Before you start</h2>" +
        "<ac:structured-macro ac:name=\"info\" ac:schema-version=\"1\">" +
        "<ac:parameter ac:name=\"title\">Read first</ac:parameter><ac:rich-text-body>" +
        "<p>See <ac:link><ri:page ri:content-title=\"Release checklist\" ri:space-key=\"PAY\" />" +
        "<ac:plain-text-link-body><![CDATA[the checklist]]></ac:plain-text-link-body></ac:link> and the " +
        "<a href=\"https://wiki.example.com/pages/viewpage.action?pageId=1234567&amp;focus=true\">runbook</a>.</p>" +
        "</ac:rich-text-body></ac:structured-macro>" +
        "<table class=\"wrapped\"><colgroup><col /><col /></colgroup><tbody>" +
        "<tr><th>Step</th><th>Owner</th></tr>" +
        "<tr><td>Tag the build</td><td><ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0002\" /></ac:link></td></tr>" +
        "<tr><td>Status</td><td>Now <ac:structured-macro ac:name=\"status\" ac:schema-version=\"1\">" +
        "<ac:parameter ac:name=\"colour\">Green</ac:parameter><ac:parameter ac:name=\"title\">Done</ac:parameter></ac:structured-macro></td></tr>" +
        "</tbody></table>" +
        "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\">" +
        "<ac:parameter ac:name=\"language\">bash</ac:parameter><ac:parameter ac:name=\"title\">deploy.sh</ac:parameter>" +
        "<ac:plain-text-body><![CDATA[#!/bin/bash\nset -euo pipefail\nif [[ $# -lt 1 ]]; then echo \"usage: deploy.sh <env>\" >&2; exit 1; fi\n" +
        "  ./gradlew publish -Penv=\"$1\"   # keep   these   spaces\n]]></ac:plain-text-body></ac:structured-macro>" +
        "<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-status>complete</ac:task-status>" +
        "<ac:task-body>Freeze <strong>main</strong></ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id>" +
        "<ac:task-status>incomplete</ac:task-status><ac:task-body>Notify <ac:link><ri:user ri:userkey=\"8a7f808a6e4b1c2d016e4b1d5a2b0003\" /></ac:link>" +
        "&#160;by <time datetime=\"2024-05-02\" /></ac:task-body></ac:task></ac:task-list>" +
        "<p><ac:image ac:height=\"250\"><ri:attachment ri:filename=\"pipeline.png\" /></ac:image></p>" +
        "<ac:structured-macro ac:name=\"expand\" ac:schema-version=\"1\"><ac:parameter ac:name=\"title\">History</ac:parameter>" +
        "<ac:rich-text-body><ul><li>v1 – 2023, by <ac:link><ri:user ri:username=\"jdoe\" /></ac:link></li><li>v2 – 2024</li></ul></ac:rich-text-body></ac:structured-macro>" +
        "<pre>  preformatted\n    stays   as is</pre>" +
        "<p><ac:emoticon ac:name=\"smile\" /> Thanks!</p>";

    /// <summary>
    /// Cloud: account-id mentions, local-ids on blocks and marks, macro-ids, table layout attributes,
    /// task uuids, a decision list as an ADF extension with its fallback, emoji attributes, image layout.
    /// </summary>
    public const string CloudPage =
        "<p local-id=\"0f2b7c9e-4a1d-4b8e-9d3c-6e5f1a2b3c4d\">This page describes the <strong>release process</strong> for Payments v2 — it’s owned by " +
        "<ac:link><ri:user ri:account-id=\"557058:3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c\" ri:local-id=\"9a8b7c6d-0000-4e8a-9f0c-111111111111\" /></ac:link>.</p>" +
        "<ac:structured-macro ac:name=\"toc\" ac:schema-version=\"1\" data-layout=\"default\" ac:local-id=\"2b3c4d5e-6f70-4a1b-8c2d-3e4f5a6b7c8d\" ac:macro-id=\"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f\">" +
        "<ac:parameter ac:name=\"maxLevel\">2</ac:parameter></ac:structured-macro>" +
        "<h2 local-id=\"4d5e6f70-8192-4a3b-9c4d-5e6f7a8b9c0d\">Before you start</h2>" +
        "<table data-table-width=\"760\" data-layout=\"default\" ac:local-id=\"5e6f7081-92a3-4b4c-8d5e-6f7a8b9c0d1e\"><tbody>" +
        "<tr><th><p local-id=\"6f708192-a3b4-4c5d-9e6f-7a8b9c0d1e2f\">Step</p></th><th><p local-id=\"708192a3-b4c5-4d6e-8f70-8b9c0d1e2f30\">Owner</p></th></tr>" +
        "<tr><td><p local-id=\"8192a3b4-c5d6-4e7f-9081-9c0d1e2f3041\">Tag the build</p></td><td><p local-id=\"92a3b4c5-d6e7-4f80-8192-0d1e2f304152\">" +
        "<ac:link><ri:user ri:account-id=\"712020:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\" ri:local-id=\"a3b4c5d6-e7f8-4091-92a3-1e2f30415263\" /></ac:link> </p></td></tr>" +
        "</tbody></table>" +
        "<ac:task-list ac:local-id=\"b4c5d6e7-f809-4122-a3b4-2f3041526374\"><ac:task><ac:task-id>3</ac:task-id>" +
        "<ac:task-uuid>c5d6e7f8-0912-4233-b4c5-304152637485</ac:task-uuid><ac:task-status>incomplete</ac:task-status>" +
        "<ac:task-body><span class=\"placeholder-inline-tasks\">Notify <ac:link><ri:user ri:account-id=\"557058:3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c\" /></ac:link> " +
        "by <time datetime=\"2024-05-02\" /></span></ac:task-body></ac:task></ac:task-list>" +
        "<ac:adf-extension><ac:adf-node type=\"decision-list\"><ac:adf-attribute key=\"local-id\">d6e7f809-1a2b-4c3d-8e4f-5a6b7c8d9e0f</ac:adf-attribute>" +
        "<ac:adf-node type=\"decision-item\"><ac:adf-attribute key=\"local-id\">e7f8091a-2b3c-4d4e-9f50-6b7c8d9e0f1a</ac:adf-attribute>" +
        "<ac:adf-attribute key=\"state\">DECIDED</ac:adf-attribute><ac:adf-content>Ship on Friday</ac:adf-content></ac:adf-node></ac:adf-node>" +
        "<ac:adf-fallback><div class=\"decision-list\"><ul><li>Ship on Friday</li></ul></div></ac:adf-fallback></ac:adf-extension>" +
        "<ac:image ac:align=\"center\" ac:layout=\"center\" ac:original-height=\"500\" ac:original-width=\"800\" ac:custom-width=\"true\" ac:width=\"400\" ac:local-id=\"f8091a2b-3c4d-4e5f-a061-7c8d9e0f1a2b\">" +
        "<ri:attachment ri:filename=\"pipeline.png\" ri:version-at-save=\"1\" /></ac:image>" +
        "<ac:structured-macro ac:name=\"code\" ac:schema-version=\"1\" ac:local-id=\"091a2b3c-4d5e-4f60-b172-8d9e0f1a2b3c\" ac:macro-id=\"1a2b3c4d-5e6f-4071-8283-9e0f1a2b3c4d\" data-layout=\"wide\" ac:breakout-mode=\"wide\" ac:breakout-width=\"960\">" +
        "<ac:parameter ac:name=\"language\">python</ac:parameter><ac:plain-text-body><![CDATA[def f(x):\n    return x  *  2\n]]></ac:plain-text-body></ac:structured-macro>" +
        "<p local-id=\"2b3c4d5e-6f70-4182-9394-0f1a2b3c4d5e\"><ac:emoticon ac:name=\"blue-star\" ac:emoji-shortname=\":smile:\" ac:emoji-id=\"1f604\" ac:emoji-fallback=\"😄\" /> Thanks!</p>";
}
